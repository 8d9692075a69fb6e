#!/usr/bin/env python3
"""The whole descarga-masiva story from Python with zeep (Debian: python3-zeep).

Registers a solicitud, waits until it is Completada, downloads its first package through a link and
checks its SHA-256, lists solicitudes with a filter, an order and a page size, searches the CFDI index
and fetches one XML. Prints a JSON summary on the last line.

    /usr/bin/python3 descarga_masiva.py http://127.0.0.1:8080 demo demo 2026-05-01 2026-05-10
"""
import hashlib
import json
import sys
import time
import urllib.request

from zeep import Client
from zeep.wsse.username import UsernameToken

RFC = "EKU9003173C9"


def main() -> None:
    base, user, password, first_day, last_day = sys.argv[1:6]
    client = Client(f"{base}/soap/DescargaMasiva?wsdl", wsse=UsernameToken(user, password))
    service = client.service

    registered = service.RegistrarSolicitud(
        Rfc=RFC,
        FechaInicial=f"{first_day}T00:00:00",
        FechaFinal=f"{last_day}T23:59:59",
        Contexto="Emitidos",
        TipoSolicitud="CFDI",
        ReferenciaCliente=f"python-{first_day}",
    )
    # zeep unwraps single-child answers: Resultados arrives as the list of Resultado.
    id_solicitud = registered[0].IdSolicitud

    deadline = time.time() + 90
    while True:
        solicitud = service.RecuperarSolicitud(IdSolicitud=id_solicitud)
        if solicitud.Estado in ("Completada", "SinDatos", "Rechazada", "Error", "Vencida"):
            break
        if time.time() > deadline:
            raise SystemExit(f"solicitud {id_solicitud} still {solicitud.Estado}")
        time.sleep(0.5)
    paquete = solicitud.Paquetes.Paquete[0]

    link = service.RecuperarLinkDescarga(IdSolicitud=id_solicitud, IdPaquete=paquete.IdPaquete, VigenciaSegundos=300)
    with urllib.request.urlopen(link.Url) as response:
        content = response.read()
    sha256_ok = hashlib.sha256(content).hexdigest() == paquete.Sha256 == link.Sha256

    listed = service.RecuperarListaSolicitudes(
        Filtro={"Rfc": RFC, "Estado": ["Completada"]},
        Orden={"Campo": "FechaRegistro", "Direccion": "DESC"},
        Pagina=1,
        TamanoPagina=2,
    )
    listed_ids = [item.IdSolicitud for item in (listed.Solicitudes.Solicitud or [])]

    found = service.ConsultarCfdi(
        Filtro={"RfcEmisor": RFC, "FechaDesde": f"{first_day}T00:00:00", "FechaHasta": f"{last_day}T23:59:59"},
        Orden={"Campo": "FechaEmision", "Direccion": "ASC"},
        TamanoPagina=100,
    )
    uuid = found.Cfdis.Cfdi[0].Uuid
    cfdi = service.RecuperarCfdi(Uuid=uuid)
    xml = cfdi.Xml.decode("utf-8")

    print(
        json.dumps(
            {
                "idSolicitud": id_solicitud,
                "estado": solicitud.Estado,
                "paquetes": len(solicitud.Paquetes.Paquete),
                "sha256Ok": sha256_ok,
                "listTotal": listed.Total,
                "listed": listed_ids,
                "cfdiTotal": found.Total,
                "uuid": uuid,
                "xmlHasUuid": uuid.upper() in xml,
            }
        )
    )


if __name__ == "__main__":
    main()
