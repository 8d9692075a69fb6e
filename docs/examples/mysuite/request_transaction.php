<?php
/**
 * An ERP written against MYSuite's RequestTransaction, pointed at descarga-masiva (Debian: php-cli php-soap).
 *
 * Registers a period for Servicio=AMBOS and TipoSolicitud=AMBOS with the e.firma sent inline, polls each
 * solicitud with OBTENER_SOLICITUD_DM_SAT, downloads one package through OBTENER_LINK_DESCARGA_DM_SAT and
 * checks its SHA-256, then lists solicitudes in JSON (filtered, ordered) and XML (paged). Prints a JSON
 * summary on the last line.
 *
 *     php request_transaction.php http://127.0.0.1:8080 11111111-2222-3333-4444-555555555555 \
 *         EKU9003173C9 2026-06-01 2026-06-03 1.2 fiel.cer fiel.key fiel-password.txt
 */
[$script, $base, $requestor, $rfc, $firstDay, $lastDay, $version, $cer, $key, $passwordFile] = $argv;
const FINAL_ESTADOS = ['Completada', 'SinDatos', 'Rechazada', 'Error', 'Vencida'];

$client = new SoapClient("$base/mx.com.fact.wsfront/FactWSFront.asmx?WSDL", [
    'soap_version' => $version === '1.2' ? SOAP_1_2 : SOAP_1_1,
    'exceptions' => true,
    'cache_wsdl' => WSDL_CACHE_NONE,
]);

/** Data1: Base64 of <Dictionary name="Params"><Entry k="..." v="..."/>...</Dictionary>. */
function dictionary(array $entries): string
{
    $body = '';
    foreach ($entries as $k => $v) {
        $body .= sprintf(
            '<Entry k="%s" v="%s"/>',
            htmlspecialchars((string) $k, ENT_XML1 | ENT_QUOTES, 'UTF-8'),
            htmlspecialchars((string) $v, ENT_XML1 | ENT_QUOTES, 'UTF-8')
        );
    }
    return base64_encode("<Dictionary name=\"Params\">$body</Dictionary>");
}

/** @return array{0: object, 1: string} the Response and the decoded ResponseData1 */
function transaction(SoapClient $client, string $requestor, string $rfc, string $name, array $entries): array
{
    $result = $client->RequestTransaction([
        'Requestor' => $requestor,
        'Transaction' => $name,
        'Country' => 'MX',
        'Entity' => $rfc,
        'User' => $requestor,
        'UserName' => 'erp-php',
        'Data1' => dictionary($entries),
        'Data2' => '',
        'Data3' => '',
    ])->RequestTransactionResult;
    return [$result->Response, base64_decode($result->ResponseData->ResponseData1 ?? '')];
}

function xml(string $text): SimpleXMLElement
{
    // LIBXML_NONET: nothing fetched from the network while parsing; no DTD is expected here.
    return new SimpleXMLElement($text, LIBXML_NONET);
}

[$response, $registered] = transaction($client, $requestor, $rfc, 'REGISTRAR_SOLICITUD_DM_SAT', [
    'FechaInicial' => "$firstDay 00:00:00",
    'FechaFinal' => "$lastDay 23:59:59",
    'Servicio' => 'AMBOS',
    'TipoSolicitud' => 'AMBOS',
    'TipoTaxID' => 'EMISOR',
    'FielCer' => base64_encode(file_get_contents($cer)),
    'FielKey' => base64_encode(file_get_contents($key)),
    'FielPass' => file_get_contents($passwordFile),
]);
if (!$response->Result) {
    fwrite(STDERR, "REGISTRAR failed: {$response->Code} {$response->Description}\n");
    exit(1);
}
$rows = [];
$ids = [];
$servicios = [];
foreach (xml($registered)->Solicitud as $row) {
    $rows[] = $row;
    $servicios[(string) $row['Servicio']] = true;
    if ((string) $row['Estado'] === 'Registrada') {
        $ids[] = (string) $row['Id'];
    }
}

$solicitudes = [];
$deadline = time() + 150;
while (count($solicitudes) < count($ids)) {
    foreach ($ids as $id) {
        if (isset($solicitudes[$id])) {
            continue;
        }
        [, $detail] = transaction($client, $requestor, $rfc, 'OBTENER_SOLICITUD_DM_SAT', ['Id' => $id]);
        $solicitud = xml($detail);
        if (in_array((string) $solicitud['Estado'], FINAL_ESTADOS, true)) {
            $solicitudes[$id] = $solicitud;
        }
    }
    if (time() > $deadline) {
        fwrite(STDERR, "still running\n");
        exit(1);
    }
    usleep(500000);
}

$withPackage = array_values(array_filter($solicitudes, fn ($s) => count($s->Paquete) > 0));
$paquete = $withPackage[0]->Paquete[0];
[$linkResponse, $linkXml] = transaction($client, $requestor, $rfc, 'OBTENER_LINK_DESCARGA_DM_SAT', [
    'Id' => (string) $withPackage[0]['IdSolicitud'],
    'IdPaquete' => (string) $paquete['IdPaquete'],
    'Vigencia' => 300,
]);
$link = xml($linkXml);
$content = file_get_contents((string) $link['Url']);

$filters = base64_encode(
    '<Filters><Filter Name="Servicio" Oper="=" Value1="RETENCIONES" Value2=""/>'
    . "<Filter Name=\"FechaInicial\" Oper=\"BETWEEN\" Value1=\"$firstDay 00:00:00\" Value2=\"$firstDay 00:00:00\"/>"
    . '</Filters>'
);
[, $listedJson] = transaction($client, $requestor, $rfc, 'OBTENER_LISTA_SOLICITUDES_DM_SAT', [
    'ResponseFormat' => 'JSON',
    'Filters' => $filters,
    'Order' => 'TipoSolicitud ASC, FechaRegistro DESC',
]);
$listed = json_decode($listedJson, true);
$periodOnly = base64_encode(
    "<Filters><Filter Name=\"FechaInicial\" Oper=\"=\" Value1=\"$firstDay 00:00:00\" Value2=\"\"/></Filters>"
);
[, $listedXml] = transaction($client, $requestor, $rfc, 'OBTENER_LISTA_SOLICITUDES_DM_SAT', [
    'ResponseFormat' => 'XML',
    'Filters' => $periodOnly,
    'Page' => 2,
    'PageSize' => 1,
]);
$page = xml($listedXml);
[$missing] = transaction($client, $requestor, $rfc, 'OBTENER_SOLICITUD_DM_SAT', [
    'Id' => '00000000-0000-0000-0000-000000000000',
]);

$estados = array_map(fn ($s) => (string) $s['Estado'], array_values($solicitudes));
sort($estados);
$servicios = array_keys($servicios);
sort($servicios);
$tiposDocumento = array_values(array_unique(array_map(fn ($s) => $s['TipoDocumento'], $listed['Solicitudes'])));
sort($tiposDocumento);
echo json_encode([
    'soapVersion' => $version,
    'registered' => count($rows),
    'servicios' => $servicios,
    'estados' => $estados,
    'sha256Ok' => hash('sha256', $content) === (string) $paquete['Sha256']
        && (string) $paquete['Sha256'] === (string) $link['Sha256'],
    'linkInData' => $linkResponse->Data === (string) $link['Url'],
    'jsonTotal' => $listed['TotalLines'],
    'jsonTiposDocumento' => $tiposDocumento,
    'jsonTiposSolicitud' => array_map(fn ($s) => $s['TipoSolicitud'], $listed['Solicitudes']),
    'xmlTotal' => (int) $page['TotalLines'],
    'xmlPages' => (int) $page['TotalPages'],
    'xmlRows' => count($page->Solicitud),
    'missingResult' => (bool) $missing->Result,
    'missingCode' => (int) $missing->Code,
]), "\n";
