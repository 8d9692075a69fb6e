#!/usr/bin/env bash
# The whole descarga-masiva story with nothing but curl, xmllint (libxml2-utils) and sha256sum.
#
# Registers a solicitud, waits until it is Completada, downloads its first package through a link and
# checks its SHA-256, lists solicitudes with a filter, an order and a page size, searches the CFDI index
# and fetches one XML. Prints a JSON summary on the last line.
#
#   bash descarga-masiva.sh http://127.0.0.1:8080 demo demo 2026-07-01 2026-07-10
set -euo pipefail

base="$1" user="$2" password="$3" first_day="$4" last_day="$5"
endpoint="$base/soap/DescargaMasiva"
rfc="EKU9003173C9"

# call OPERATION BODY: one SOAP 1.1 call with HTTP Basic authentication; prints the answer.
call() {
  curl -sS --fail-with-body -u "$user:$password" \
    -H 'Content-Type: text/xml; charset=utf-8' \
    -H "SOAPAction: \"urn:descarga-masiva:v1/$1\"" \
    --data-binary @- "$endpoint" <<EOF
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:dm="urn:descarga-masiva:v1">
  <soapenv:Body>$2</soapenv:Body>
</soapenv:Envelope>
EOF
}

# pick XML XPATH: the text of the first element the XPath (namespace-free, by local-name) finds.
pick() { xmllint --xpath "string(($2)[1])" - <<<"$1"; }
# all XML XPATH: the texts of every element found, one per line.
all() { xmllint --xpath "$2" - <<<"$1" 2>/dev/null | sed -e 's/<[^>]*>/\n/g' | sed '/^$/d' || true; }
el() { printf "//*[local-name()='%s']" "$1"; }

answer=$(call RegistrarSolicitud "<dm:RegistrarSolicitud>
  <dm:Rfc>$rfc</dm:Rfc><dm:FechaInicial>${first_day}T00:00:00</dm:FechaInicial>
  <dm:FechaFinal>${last_day}T23:59:59</dm:FechaFinal><dm:Contexto>Emitidos</dm:Contexto>
  <dm:TipoSolicitud>CFDI</dm:TipoSolicitud><dm:ReferenciaCliente>curl-$first_day</dm:ReferenciaCliente>
</dm:RegistrarSolicitud>")
id_solicitud=$(pick "$answer" "$(el IdSolicitud)")

deadline=$((SECONDS + 90))
while :; do
  solicitud=$(call RecuperarSolicitud "<dm:RecuperarSolicitud><dm:IdSolicitud>$id_solicitud</dm:IdSolicitud></dm:RecuperarSolicitud>")
  estado=$(pick "$solicitud" "$(el Solicitud)/*[local-name()='Estado']")
  case "$estado" in Completada | SinDatos | Rechazada | Error | Vencida) break ;; esac
  if ((SECONDS > deadline)); then echo "solicitud $id_solicitud still $estado" >&2; exit 1; fi
  sleep 0.5
done
paquete="$(el Paquete)"
id_paquete=$(pick "$solicitud" "$paquete/*[local-name()='IdPaquete']")
sha256=$(pick "$solicitud" "$paquete/*[local-name()='Sha256']")
paquetes=$(xmllint --xpath "count($paquete)" - <<<"$solicitud")

link=$(call RecuperarLinkDescarga "<dm:RecuperarLinkDescarga><dm:IdSolicitud>$id_solicitud</dm:IdSolicitud>
  <dm:IdPaquete>$id_paquete</dm:IdPaquete><dm:VigenciaSegundos>300</dm:VigenciaSegundos></dm:RecuperarLinkDescarga>")
url=$(pick "$link" "$(el Url)")
downloaded=$(curl -sS --fail "$url" | sha256sum | cut -d' ' -f1)
sha256_ok=false
[ "$downloaded" = "$sha256" ] && sha256_ok=true

listed=$(call RecuperarListaSolicitudes "<dm:RecuperarListaSolicitudes>
  <dm:Filtro><dm:Rfc>$rfc</dm:Rfc><dm:Estado>Completada</dm:Estado></dm:Filtro>
  <dm:Orden><dm:Campo>FechaRegistro</dm:Campo><dm:Direccion>DESC</dm:Direccion></dm:Orden>
  <dm:Pagina>1</dm:Pagina><dm:TamanoPagina>2</dm:TamanoPagina></dm:RecuperarListaSolicitudes>")
list_total=$(pick "$listed" "$(el Total)")
listed_ids=$(all "$listed" "$(el Solicitud)/*[local-name()='IdSolicitud']" | sed 's/.*/"&"/' | paste -sd, -)

found=$(call ConsultarCfdi "<dm:ConsultarCfdi>
  <dm:Filtro><dm:RfcEmisor>$rfc</dm:RfcEmisor><dm:FechaDesde>${first_day}T00:00:00</dm:FechaDesde>
    <dm:FechaHasta>${last_day}T23:59:59</dm:FechaHasta></dm:Filtro>
  <dm:Orden><dm:Campo>FechaEmision</dm:Campo></dm:Orden><dm:TamanoPagina>100</dm:TamanoPagina></dm:ConsultarCfdi>")
cfdi_total=$(pick "$found" "$(el Total)")
uuid=$(pick "$found" "$(el Cfdi)/*[local-name()='Uuid']")
cfdi=$(call RecuperarCfdi "<dm:RecuperarCfdi><dm:Uuid>$uuid</dm:Uuid></dm:RecuperarCfdi>")
xml_has_uuid=false
pick "$cfdi" "$(el Xml)" | base64 -d | grep -qi "UUID=\"$uuid\"" && xml_has_uuid=true

printf '{"idSolicitud":"%s","estado":"%s","paquetes":%s,"sha256Ok":%s,"listTotal":%s,"listed":[%s],"cfdiTotal":%s,"uuid":"%s","xmlHasUuid":%s}\n' \
  "$id_solicitud" "$estado" "$paquetes" "$sha256_ok" "$list_total" "$listed_ids" "$cfdi_total" "$uuid" "$xml_has_uuid"
