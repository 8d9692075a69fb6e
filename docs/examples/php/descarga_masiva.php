<?php
/**
 * The whole descarga-masiva story from PHP's SoapClient (Debian: php-cli php-soap).
 *
 * Registers a solicitud, waits until it is Completada, downloads its first package through a link and
 * checks its SHA-256, lists solicitudes with a filter, an order and a page size, searches the CFDI index
 * and fetches one XML. Prints a JSON summary on the last line.
 *
 *     php descarga_masiva.php http://127.0.0.1:8080 demo demo 2026-06-01 2026-06-10
 */
[$script, $base, $user, $password, $firstDay, $lastDay] = $argv;
const RFC = 'EKU9003173C9';

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
$uuid = $found->Cfdis->Cfdi[0]->Uuid;
// SoapClient decodes xs:base64Binary itself: Xml holds the document's bytes.
$xml = $client->RecuperarCfdi(['Uuid' => $uuid])->Xml;

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
]), "\n";
