<?php
/**
 * The whole descarga-masiva story from PHP's SoapClient (Debian: php-cli php-soap).
 *
 * Registers a solicitud, waits until it is Completada, downloads its first package through a link and
 * checks its SHA-256, lists solicitudes with a filter, an order and a page size, searches the CFDI index
 * (every field it answers: the XML's header, SAT's metadata, third parties), fetches one XML, and asks
 * for the period's payments and what each invoice they settle still owes. Prints a JSON summary on the
 * last line.
 *
 *     php descarga_masiva.php http://127.0.0.1:8080 demo demo 2026-06-01 2026-06-10
 */
[$script, $base, $user, $password, $firstDay, $lastDay] = $argv;
const RFC = 'EKU9003173C9';
// ConsultarCfdi's Cfdi: the simple fields, in the contract's order (Complementos is a list, read apart).
const CFDI_FIELDS = [
    'Uuid', 'RfcEmisor', 'NombreEmisor', 'RfcReceptor', 'NombreReceptor', 'FechaEmision', 'FechaCertificacion',
    'Monto', 'Efecto', 'Estatus', 'FechaCancelacion', 'TieneXml', 'RfcPac', 'RfcACuentaTerceros',
    'NombreACuentaTerceros', 'Version', 'TipoComprobante', 'Serie', 'Folio', 'Fecha', 'FechaTimbrado', 'SubTotal',
    'Descuento', 'Total', 'Moneda', 'TipoCambio', 'MetodoPago', 'FormaPago', 'UsoCfdi', 'LugarExpedicion',
];
const PAGO_FIELDS = [
    'UuidPago', 'Indice', 'Version', 'RfcEmisor', 'NombreEmisor', 'RfcReceptor', 'NombreReceptor', 'Estatus',
    'FechaPago', 'FormaDePagoP', 'MonedaP', 'TipoCambioP', 'Monto',
];
const DOCTO_FIELDS = [
    'IdDocumento', 'Serie', 'Folio', 'MonedaDR', 'EquivalenciaDR', 'TipoCambioDR', 'NumParcialidad', 'ImpSaldoAnt',
    'ImpPagado', 'ImpSaldoInsoluto',
];
const SALDO_FIELDS = ['UuidDocumento', 'MonedaDR', 'SaldoInsoluto', 'TotalPagado', 'Parcialidades', 'UltimaParcialidad'];

/** The fields the answer carries (SoapClient leaves an absent optional element out), as text. */
function fields(object $item, array $names): array
{
    $read = [];
    foreach ($names as $name) {
        if (isset($item->$name)) {
            // SoapClient reads xs:decimal as the string sent, xs:int as int and xs:boolean as bool.
            $value = $item->$name;
            $read[$name] = is_bool($value) ? ($value ? 'true' : 'false') : (string) $value;
        }
    }
    return $read;
}

$client = new SoapClient("$base/soap/DescargaMasiva?wsdl", [
    'soap_version' => SOAP_1_1,
    'exceptions' => true,
    'cache_wsdl' => WSDL_CACHE_NONE,
    // HTTP Basic: the other way to authenticate (WS-Security UsernameToken works too).
    'login' => $user,
    'password' => $password,
    'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
]);

$registered = $client->RegistrarSolicitud([
    'Rfc' => RFC,
    'FechaInicial' => "{$firstDay}T00:00:00",
    'FechaFinal' => "{$lastDay}T23:59:59",
    'Contexto' => 'Emitidos',
    'TipoSolicitud' => 'CFDI',
    'ReferenciaCliente' => "php-$firstDay",
]);
$idSolicitud = $registered->Resultados->Resultado[0]->IdSolicitud;

$deadline = time() + 90;
do {
    $solicitud = $client->RecuperarSolicitud(['IdSolicitud' => $idSolicitud])->Solicitud;
    if (in_array($solicitud->Estado, ['Completada', 'SinDatos', 'Rechazada', 'Error', 'Vencida'], true)) {
        break;
    }
    if (time() > $deadline) {
        fwrite(STDERR, "solicitud $idSolicitud still {$solicitud->Estado}\n");
        exit(1);
    }
    usleep(500000);
} while (true);
$paquete = $solicitud->Paquetes->Paquete[0];

$link = $client->RecuperarLinkDescarga([
    'IdSolicitud' => $idSolicitud,
    'IdPaquete' => $paquete->IdPaquete,
    'VigenciaSegundos' => 300,
]);
$content = file_get_contents($link->Url);
$sha256Ok = hash('sha256', $content) === $paquete->Sha256 && $paquete->Sha256 === $link->Sha256;

$listed = $client->RecuperarListaSolicitudes([
    'Filtro' => ['Rfc' => RFC, 'Estado' => ['Completada']],
    'Orden' => ['Campo' => 'FechaRegistro', 'Direccion' => 'DESC'],
    'Pagina' => 1,
    'TamanoPagina' => 2,
]);
$listedIds = array_map(fn ($item) => $item->IdSolicitud, $listed->Solicitudes->Solicitud ?? []);

$found = $client->ConsultarCfdi([
    'Filtro' => ['RfcEmisor' => RFC, 'FechaDesde' => "{$firstDay}T00:00:00", 'FechaHasta' => "{$lastDay}T23:59:59"],
    'Orden' => ['Campo' => 'FechaEmision', 'Direccion' => 'ASC'],
    'TamanoPagina' => 100,
]);
$cfdis = array_map(function ($item) {
    $read = fields($item, CFDI_FIELDS);
    if (isset($item->Complementos)) {
        $read['Complementos'] = $item->Complementos->Complemento ?? [];
    }
    return $read;
}, $found->Cfdis->Cfdi);
$uuid = $found->Cfdis->Cfdi[0]->Uuid;
// SoapClient decodes xs:base64Binary itself: Xml holds the document's bytes.
$xml = $client->RecuperarCfdi(['Uuid' => $uuid])->Xml;

// The period's payments issued by the RFC, each with the invoices it settles, and their balances.
$pagos = $client->ConsultarPagos([
    'Filtro' => ['RfcEmisor' => RFC, 'FechaPagoDesde' => "{$firstDay}T00:00:00", 'FechaPagoHasta' => "{$lastDay}T23:59:59"],
    'Pagina' => 1,
    'TamanoPagina' => 100,
]);
$pagosRead = array_map(function ($pago) {
    $read = fields($pago, PAGO_FIELDS);
    $read['DoctosRelacionados'] = array_map(
        fn ($docto) => fields($docto, DOCTO_FIELDS),
        $pago->DoctosRelacionados->DoctoRelacionado ?? [],
    );
    return $read;
}, $pagos->Pagos->Pago ?? []);
$saldos = array_map(fn ($saldo) => fields($saldo, SALDO_FIELDS), $pagos->Saldos->Saldo ?? []);

echo json_encode([
    'idSolicitud' => $idSolicitud,
    'estado' => $solicitud->Estado,
    'paquetes' => count($solicitud->Paquetes->Paquete),
    'sha256Ok' => $sha256Ok,
    'listTotal' => $listed->Total,
    'listed' => $listedIds,
    'cfdiTotal' => $found->Total,
    'uuid' => $uuid,
    'xmlHasUuid' => str_contains($xml, strtoupper($uuid)),
    'cfdis' => $cfdis,
    'pagosTotal' => $pagos->Total,
    'pagos' => $pagosRead,
    'saldos' => $saldos,
]), "\n";
