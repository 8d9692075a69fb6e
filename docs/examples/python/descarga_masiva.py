#!/usr/bin/env python3
"""The whole descarga-masiva story from Python with zeep (Debian: python3-zeep).

Registers a solicitud, waits until it is Completada, downloads its first package through a link and
checks its SHA-256, lists solicitudes with a filter, an order and a page size, searches the CFDI index
(every field it answers: the XML's header, SAT's metadata, third parties), fetches one XML, and asks
for the period's payments and what each invoice they settle still owes. Prints a JSON summary on the
last line.

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
# ConsultarCfdi's Cfdi: the simple fields, in the contract's order (Complementos is a list, read apart).
CFDI_FIELDS = [
    "Uuid", "RfcEmisor", "NombreEmisor", "RfcReceptor", "NombreReceptor", "FechaEmision", "FechaCertificacion",
    "Monto", "Efecto", "Estatus", "FechaCancelacion", "TieneXml", "RfcPac", "RfcACuentaTerceros",
    "NombreACuentaTerceros", "Version", "TipoComprobante", "Serie", "Folio", "Fecha", "FechaTimbrado", "SubTotal",
    "Descuento", "Total", "Moneda", "TipoCambio", "MetodoPago", "FormaPago", "UsoCfdi", "LugarExpedicion",
]
PAGO_FIELDS = [
    "UuidPago", "Indice", "Version", "RfcEmisor", "NombreEmisor", "RfcReceptor", "NombreReceptor", "Estatus",
    "FechaPago", "FormaDePagoP", "MonedaP", "TipoCambioP", "Monto",
]
DOCTO_FIELDS = [
    "IdDocumento", "Serie", "Folio", "MonedaDR", "EquivalenciaDR", "TipoCambioDR", "NumParcialidad", "ImpSaldoAnt",
    "ImpPagado", "ImpSaldoInsoluto",
]
SALDO_FIELDS = ["UuidDocumento", "MonedaDR", "SaldoInsoluto", "TotalPagado", "Parcialidades", "UltimaParcialidad"]


def text(value) -> str:
    """zeep reads xs:decimal as Decimal, xs:int as int and xs:boolean as bool: each as the XML wrote it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def fields(item, names) -> dict:
    """The fields the answer carries (zeep gives None for an absent optional element), as text."""
    return {name: text(getattr(item, name)) for name in names if getattr(item, name, None) is not None}


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
    cfdis = []
    for item in found.Cfdis.Cfdi:
        read = fields(item, CFDI_FIELDS)
        if item.Complementos is not None:
            read["Complementos"] = list(item.Complementos.Complemento)
        cfdis.append(read)
    uuid = found.Cfdis.Cfdi[0].Uuid
    cfdi = service.RecuperarCfdi(Uuid=uuid)
    xml = cfdi.Xml.decode("utf-8")

    # The period's payments issued by the RFC, each with the invoices it settles, and their balances.
    pagos = service.ConsultarPagos(
        Filtro={"RfcEmisor": RFC, "FechaPagoDesde": f"{first_day}T00:00:00", "FechaPagoHasta": f"{last_day}T23:59:59"},
        Pagina=1,
        TamanoPagina=100,
    )
    pagos_read = []
    for pago in pagos.Pagos.Pago:
        read = fields(pago, PAGO_FIELDS)
        read["DoctosRelacionados"] = [fields(docto, DOCTO_FIELDS) for docto in pago.DoctosRelacionados.DoctoRelacionado]
        pagos_read.append(read)
    saldos = [fields(saldo, SALDO_FIELDS) for saldo in pagos.Saldos.Saldo]

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
                "cfdis": cfdis,
                "pagosTotal": pagos.Total,
                "pagos": pagos_read,
                "saldos": saldos,
            }
        )
    )


if __name__ == "__main__":
    main()
