#!/usr/bin/env python3
"""An ERP written against MYSuite's RequestTransaction, pointed at descarga-masiva (Debian: python3-zeep).

Registers a period for Servicio=AMBOS and TipoSolicitud=AMBOS with the e.firma sent inline, polls each
solicitud with OBTENER_SOLICITUD_DM_SAT, downloads one package through OBTENER_LINK_DESCARGA_DM_SAT and
checks its SHA-256, then lists solicitudes in JSON (filtered, ordered) and XML (paged). Prints a JSON
summary on the last line.

    python3 request_transaction.py http://127.0.0.1:8080 11111111-2222-3333-4444-555555555555 \
        EKU9003173C9 2026-05-01 2026-05-03 1.1 fiel.cer fiel.key fiel-password.txt
"""
import base64
import hashlib
import json
import sys
import time
import urllib.request
import xml.etree.ElementTree as ElementTree
from xml.sax.saxutils import quoteattr

from zeep import Client

FINAL = ("Completada", "SinDatos", "Rechazada", "Error", "Vencida")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def dictionary(entries: dict) -> str:
    """Data1: Base64 of <Dictionary name="Params"><Entry k="..." v="..."/>...</Dictionary>."""
    body = "".join(f"<Entry k={quoteattr(k)} v={quoteattr(str(v))}/>" for k, v in entries.items())
    return b64(f'<Dictionary name="Params">{body}</Dictionary>'.encode("utf-8"))


def main() -> None:
    base, requestor, rfc, first_day, last_day, version, cer, key, password_file = sys.argv[1:10]
    client = Client(f"{base}/mx.com.fact.wsfront/FactWSFront.asmx?WSDL")
    port = "FactWSFrontSoap12" if version == "1.2" else "FactWSFrontSoap"
    service = client.bind("FactWSFront", port)

    def transaction(name: str, entries: dict):
        result = service.RequestTransaction(
            Requestor=requestor,
            Transaction=name,
            Country="MX",
            Entity=rfc,
            User=requestor,
            UserName="erp-python",
            Data1=dictionary(entries),
            Data2="",
            Data3="",
        )
        data = result.ResponseData.ResponseData1 if result.ResponseData is not None else None
        # zeep decodes xs:base64Binary itself; a string-typed field arrives as the Base64 text.
        if isinstance(data, str):
            data = base64.b64decode(data)
        return result.Response, (data or b"").decode("utf-8")

    with open(cer, "rb") as c, open(key, "rb") as k, open(password_file, encoding="utf-8") as p:
        fiel = {"FielCer": b64(c.read()), "FielKey": b64(k.read()), "FielPass": p.read()}

    response, xml = transaction(
        "REGISTRAR_SOLICITUD_DM_SAT",
        {
            "FechaInicial": f"{first_day} 00:00:00",
            "FechaFinal": f"{last_day} 23:59:59",
            "Servicio": "AMBOS",
            "TipoSolicitud": "AMBOS",
            "TipoTaxID": "EMISOR",
            **fiel,
        },
    )
    if not response.Result:
        raise SystemExit(f"REGISTRAR failed: {response.Code} {response.Description}")
    rows = ElementTree.fromstring(xml).findall("Solicitud")
    ids = [row.get("Id") for row in rows if row.get("Estado") == "Registrada"]

    solicitudes = {}
    deadline = time.time() + 150
    while len(solicitudes) < len(ids):
        for id_solicitud in ids:
            if id_solicitud in solicitudes:
                continue
            _, detail = transaction("OBTENER_SOLICITUD_DM_SAT", {"Id": id_solicitud})
            solicitud = ElementTree.fromstring(detail)
            if solicitud.get("Estado") in FINAL:
                solicitudes[id_solicitud] = solicitud
        if time.time() > deadline:
            raise SystemExit(f"still running: {sorted(set(ids) - set(solicitudes))}")
        time.sleep(0.5)

    with_package = [s for s in solicitudes.values() if s.findall("Paquete")]
    paquete = with_package[0].findall("Paquete")[0]
    link_response, link_xml = transaction(
        "OBTENER_LINK_DESCARGA_DM_SAT",
        {"Id": with_package[0].get("IdSolicitud"), "IdPaquete": paquete.get("IdPaquete"), "Vigencia": 300},
    )
    link = ElementTree.fromstring(link_xml)
    with urllib.request.urlopen(link.get("Url")) as download:
        content = download.read()

    filters = b64(
        (
            '<Filters><Filter Name="Servicio" Oper="=" Value1="RETENCIONES" Value2=""/>'
            f'<Filter Name="FechaInicial" Oper="BETWEEN" Value1="{first_day} 00:00:00" Value2="{first_day} 00:00:00"/>'
            "</Filters>"
        ).encode("utf-8")
    )
    _, listed_json = transaction(
        "OBTENER_LISTA_SOLICITUDES_DM_SAT",
        {"ResponseFormat": "JSON", "Filters": filters, "Order": "TipoSolicitud ASC, FechaRegistro DESC"},
    )
    listed = json.loads(listed_json)
    period_only = b64(
        f'<Filters><Filter Name="FechaInicial" Oper="=" Value1="{first_day} 00:00:00" Value2=""/></Filters>'.encode(
            "utf-8"
        )
    )
    _, listed_xml = transaction(
        "OBTENER_LISTA_SOLICITUDES_DM_SAT",
        {"ResponseFormat": "XML", "Filters": period_only, "Page": 2, "PageSize": 1},
    )
    page = ElementTree.fromstring(listed_xml)
    missing, _ = transaction("OBTENER_SOLICITUD_DM_SAT", {"Id": "00000000-0000-0000-0000-000000000000"})

    print(
        json.dumps(
            {
                "soapVersion": version,
                "registered": len(rows),
                "servicios": sorted({row.get("Servicio") for row in rows}),
                "estados": sorted(s.get("Estado") for s in solicitudes.values()),
                "sha256Ok": hashlib.sha256(content).hexdigest() == paquete.get("Sha256") == link.get("Sha256"),
                "linkInData": link_response.Data == link.get("Url"),
                "jsonTotal": listed["TotalLines"],
                "jsonTiposDocumento": sorted({s["TipoDocumento"] for s in listed["Solicitudes"]}),
                "jsonTiposSolicitud": [s["TipoSolicitud"] for s in listed["Solicitudes"]],
                "xmlTotal": int(page.get("TotalLines")),
                "xmlPages": int(page.get("TotalPages")),
                "xmlRows": len(page.findall("Solicitud")),
                "missingResult": bool(missing.Result),
                "missingCode": int(missing.Code),
            }
        )
    )


if __name__ == "__main__":
    main()
