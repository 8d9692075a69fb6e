#!/usr/bin/env node
/*
 * The whole descarga-masiva story from Node.js (20 or later) with the `soap` package (npm install soap):
 * the client is built at run time from the WSDL, and every call carries a WS-Security UsernameToken with
 * PasswordDigest (node-soap adds the Nonce and Created itself).
 *
 * Registers a solicitud, waits until it is Completada, downloads its first package through a link and
 * checks its SHA-256, lists solicitudes with a filter, an order and a page size, searches the CFDI index
 * and fetches one XML. Prints a JSON summary on the last line.
 *
 *     node descarga-masiva.js http://127.0.0.1:8080 demo demo 2026-10-01 2026-10-10
 *
 * HTTP Basic works the same way: client.setSecurity(new soap.BasicAuthSecurity(user, password)).
 */
'use strict';

const { createHash } = require('node:crypto');
const soap = require('soap');

const RFC = 'EKU9003173C9';
const FINAL_STATES = ['Completada', 'SinDatos', 'Rechazada', 'Error', 'Vencida'];

/** node-soap gives one object for a single repeated element and an array for several: always a list. */
const asList = (value) => (value === undefined || value === null ? [] : [].concat(value));

/** A SOAP Fault from the service, as node-soap reports it, turned into "DM-xxxx message". */
function describeFault(error) {
  const falla = error?.root?.Envelope?.Body?.Fault?.detail?.Falla;
  return falla ? `${falla.Codigo} ${falla.Mensaje}` : error.message;
}

async function main() {
  const [base, user, password, firstDay, lastDay] = process.argv.slice(2);
  if (!lastDay) {
    console.error(
      'usage: node descarga-masiva.js <base-url> <user> <password> <from yyyy-MM-dd> <to yyyy-MM-dd>',
    );
    process.exit(2);
  }
  const client = await soap.createClientAsync(`${base}/soap/DescargaMasiva?wsdl`);
  // The WSDL names the service's public address; call the one given, whatever the server believes.
  client.setEndpoint(`${base}/soap/DescargaMasiva`);
  client.setSecurity(
    new soap.WSSecurity(user, password, { passwordType: 'PasswordDigest', hasTimeStamp: false }),
  );

  // Each <Operation>Async resolves to [result, rawResponse, soapHeader, rawRequest].
  const [registered] = await client.RegistrarSolicitudAsync({
    Rfc: RFC,
    FechaInicial: `${firstDay}T00:00:00`,
    FechaFinal: `${lastDay}T23:59:59`,
    Contexto: 'Emitidos',
    TipoSolicitud: 'CFDI',
    ReferenciaCliente: `javascript-${firstDay}`,
  });
  const resultado = asList(registered.Resultados.Resultado)[0];
  if (!resultado.IdSolicitud)
    throw new Error(`not registered: ${resultado.Estado} ${resultado.Mensaje ?? ''}`);
  const idSolicitud = resultado.IdSolicitud;

  const deadline = Date.now() + 90_000;
  let solicitud;
  for (;;) {
    [{ Solicitud: solicitud }] = await client.RecuperarSolicitudAsync({ IdSolicitud: idSolicitud });
    if (FINAL_STATES.includes(solicitud.Estado)) break;
    if (Date.now() > deadline) throw new Error(`solicitud ${idSolicitud} still ${solicitud.Estado}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const paquetes = asList(solicitud.Paquetes?.Paquete);
  const paquete = paquetes[0];

  const [link] = await client.RecuperarLinkDescargaAsync({
    IdSolicitud: idSolicitud,
    IdPaquete: paquete.IdPaquete,
    VigenciaSegundos: 300,
  });
  // The link is signed: a plain GET, no credentials.
  const download = await fetch(link.Url);
  if (download.status !== 200) throw new Error(`download answered HTTP ${download.status}`);
  const zip = Buffer.from(await download.arrayBuffer());
  const sha256Ok =
    createHash('sha256').update(zip).digest('hex') === paquete.Sha256 && paquete.Sha256 === link.Sha256;

  const [listed] = await client.RecuperarListaSolicitudesAsync({
    Filtro: { Rfc: RFC, Estado: ['Completada'] },
    Orden: { Campo: 'FechaRegistro', Direccion: 'DESC' },
    Pagina: 1,
    TamanoPagina: 2,
  });

  const [found] = await client.ConsultarCfdiAsync({
    Filtro: { RfcEmisor: RFC, FechaDesde: `${firstDay}T00:00:00`, FechaHasta: `${lastDay}T23:59:59` },
    Orden: { Campo: 'FechaEmision', Direccion: 'ASC' },
    TamanoPagina: 100,
  });
  const uuid = asList(found.Cfdis?.Cfdi)[0].Uuid;
  const [cfdi] = await client.RecuperarCfdiAsync({ Uuid: uuid });
  // node-soap leaves xs:base64Binary as the base64 text.
  const xml = Buffer.from(cfdi.Xml, 'base64').toString('utf8');

  console.log(
    JSON.stringify({
      idSolicitud,
      estado: solicitud.Estado,
      paquetes: paquetes.length,
      sha256Ok,
      listTotal: Number(listed.Total),
      listed: asList(listed.Solicitudes?.Solicitud).map((item) => item.IdSolicitud),
      cfdiTotal: Number(found.Total),
      uuid,
      xmlHasUuid: xml.toUpperCase().includes(uuid.toUpperCase()),
    }),
  );
}

main().catch((error) => {
  console.error(describeFault(error));
  process.exit(1);
});
