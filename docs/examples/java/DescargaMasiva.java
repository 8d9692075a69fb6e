/*
 * The whole descarga-masiva story from Java 17 with nothing but the JDK: java.net.http.HttpClient for
 * the calls, DOM and XPath (javax.xml) to read the answers, SOAP 1.1 envelopes written by hand and a
 * WS-Security UsernameToken with PasswordDigest (a fresh Nonce and Created on every call).
 *
 * Registers a solicitud, waits until it is Completada, downloads its first package through a link and
 * checks its SHA-256, lists solicitudes with a filter, an order and a page size, searches the CFDI index
 * and fetches one XML. Prints a JSON summary on the last line.
 *
 *     java DescargaMasiva.java http://127.0.0.1:8080 demo demo 2026-08-01 2026-08-10
 *
 * With a generated client instead: run `wsimport <url>/soap/DescargaMasiva?wsdl` (JAX-WS RI, Debian
 * package `jaxws`, a separate download since JDK 11) or Apache CXF `wsdl2java` on the same URL. The WSDL
 * switches wsimport's wrapper style off, so the `DescargaMasiva` service's `getDescargaMasivaSoap11()` port
 * has one method per operation taking and returning the XSD's wrapper beans (for example
 * `port.recuperarSolicitud(request)` with a `RecuperarSolicitud` bean); the SOAP 1.2 port needs
 * `-extension`. Credentials go in through the stack: CXF's WSS4JOutInterceptor with a UsernameToken, or
 * HTTP Basic with BindingProvider.USERNAME_PROPERTY and PASSWORD_PROPERTY on the port's request context.
 * Errors arrive as the generated `FallaException`, whose fault info holds Codigo, Mensaje, MensajeEn, Campo
 * and IdPeticion. docs/examples/generated/jaxws/ has whole programs written that way (contract v2 too).
 */

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.namespace.NamespaceContext;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public class DescargaMasiva {
    static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String DM = "urn:descarga-masiva:v1";
    static final String WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    static final String WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    static final String TOKEN_PROFILE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0";
    static final String RFC = "EKU9003173C9";
    static final Set<String> FINAL_STATES = Set.of("Completada", "SinDatos", "Rechazada", "Error", "Vencida");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final SecureRandom random = new SecureRandom();
    private final XPath xpath = XPathFactory.newInstance().newXPath();
    private final String endpoint;
    private final String user;
    private final String password;

    DescargaMasiva(String base, String user, String password) {
        this.endpoint = base + "/soap/DescargaMasiva";
        this.user = user;
        this.password = password;
        xpath.setNamespaceContext(new Prefixes());
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: java DescargaMasiva.java <base-url> <user> <password> <from yyyy-MM-dd> <to yyyy-MM-dd>");
            System.exit(2);
        }
        String firstDay = args[3];
        String lastDay = args[4];
        DescargaMasiva client = new DescargaMasiva(args[0], args[1], args[2]);

        Element registered = client.call("RegistrarSolicitud", group("RegistrarSolicitud",
                el("Rfc", RFC),
                el("FechaInicial", firstDay + "T00:00:00"),
                el("FechaFinal", lastDay + "T23:59:59"),
                el("Contexto", "Emitidos"),
                el("TipoSolicitud", "CFDI"),
                el("ReferenciaCliente", "java-" + firstDay)));
        String idSolicitud = client.text(registered, "dm:Resultados/dm:Resultado[1]/dm:IdSolicitud");
        if (idSolicitud.isEmpty()) {
            throw new IllegalStateException("not registered: " + client.text(registered, "dm:Resultados/dm:Resultado[1]/dm:Estado")
                    + " " + client.text(registered, "dm:Resultados/dm:Resultado[1]/dm:Mensaje"));
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Element solicitud;
        String estado;
        while (true) {
            solicitud = client.call("RecuperarSolicitud", group("RecuperarSolicitud", el("IdSolicitud", idSolicitud)));
            estado = client.text(solicitud, "dm:Solicitud/dm:Estado");
            if (FINAL_STATES.contains(estado)) break;
            if (System.nanoTime() > deadline) throw new IllegalStateException("solicitud " + idSolicitud + " still " + estado);
            Thread.sleep(500);
        }
        int paquetes = client.nodes(solicitud, "dm:Solicitud/dm:Paquetes/dm:Paquete").getLength();
        String idPaquete = client.text(solicitud, "dm:Solicitud/dm:Paquetes/dm:Paquete[1]/dm:IdPaquete");
        String sha256 = client.text(solicitud, "dm:Solicitud/dm:Paquetes/dm:Paquete[1]/dm:Sha256");

        Element link = client.call("RecuperarLinkDescarga", group("RecuperarLinkDescarga",
                el("IdSolicitud", idSolicitud),
                el("IdPaquete", idPaquete),
                el("VigenciaSegundos", "300")));
        byte[] zip = client.download(client.text(link, "dm:Url"));
        String downloaded = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(zip));
        boolean sha256Ok = downloaded.equals(sha256) && sha256.equals(client.text(link, "dm:Sha256"));

        Element listed = client.call("RecuperarListaSolicitudes", group("RecuperarListaSolicitudes",
                group("Filtro", el("Rfc", RFC), el("Estado", "Completada")),
                group("Orden", el("Campo", "FechaRegistro"), el("Direccion", "DESC")),
                el("Pagina", "1"),
                el("TamanoPagina", "2")));
        List<String> listedIds = new ArrayList<>();
        NodeList ids = client.nodes(listed, "dm:Solicitudes/dm:Solicitud/dm:IdSolicitud");
        for (int i = 0; i < ids.getLength(); i++) listedIds.add(ids.item(i).getTextContent().trim());

        Element found = client.call("ConsultarCfdi", group("ConsultarCfdi",
                group("Filtro",
                        el("RfcEmisor", RFC),
                        el("FechaDesde", firstDay + "T00:00:00"),
                        el("FechaHasta", lastDay + "T23:59:59")),
                group("Orden", el("Campo", "FechaEmision"), el("Direccion", "ASC")),
                el("TamanoPagina", "100")));
        String uuid = client.text(found, "dm:Cfdis/dm:Cfdi[1]/dm:Uuid");
        Element cfdi = client.call("RecuperarCfdi", group("RecuperarCfdi", el("Uuid", uuid)));
        // xs:base64Binary may be folded over lines: the MIME decoder skips the line breaks.
        String xml = new String(Base64.getMimeDecoder().decode(client.text(cfdi, "dm:Xml")), StandardCharsets.UTF_8);

        System.out.println("{"
                + json("idSolicitud") + ":" + json(idSolicitud) + ","
                + json("estado") + ":" + json(estado) + ","
                + json("paquetes") + ":" + paquetes + ","
                + json("sha256Ok") + ":" + sha256Ok + ","
                + json("listTotal") + ":" + Integer.parseInt(client.text(listed, "dm:Total")) + ","
                + json("listed") + ":[" + String.join(",", listedIds.stream().map(DescargaMasiva::json).toList()) + "],"
                + json("cfdiTotal") + ":" + Integer.parseInt(client.text(found, "dm:Total")) + ","
                + json("uuid") + ":" + json(uuid) + ","
                + json("xmlHasUuid") + ":" + xml.toUpperCase().contains(uuid.toUpperCase())
                + "}");
    }

    /**
     * One SOAP 1.1 call: returns the answer's wrapper element (`<Operation>Response`). A Fault becomes an
     * exception carrying the service's Codigo and Mensaje.
     */
    Element call(String operation, String body) throws Exception {
        String envelope = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<s:Envelope xmlns:s=\"" + SOAP11 + "\" xmlns:dm=\"" + DM + "\">"
                + "<s:Header>" + usernameToken() + "</s:Header>"
                + "<s:Body>" + body + "</s:Body></s:Envelope>";
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("SOAPAction", "\"" + DM + "/" + operation + "\"")
                .POST(HttpRequest.BodyPublishers.ofString(envelope, StandardCharsets.UTF_8))
                .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        Document answer = parse(response.body());
        Element fault = (Element) xpath.evaluate("/s:Envelope/s:Body/s:Fault", answer, XPathConstants.NODE);
        if (fault != null) {
            throw new IllegalStateException(operation + " failed (HTTP " + response.statusCode() + "): "
                    + text(fault, "detail/dm:Falla/dm:Codigo") + " " + text(fault, "detail/dm:Falla/dm:Mensaje"));
        }
        Element result = (Element) xpath.evaluate("/s:Envelope/s:Body/dm:" + operation + "Response", answer, XPathConstants.NODE);
        if (result == null) throw new IllegalStateException(operation + ": no " + operation + "Response (HTTP " + response.statusCode() + ")");
        return result;
    }

    /** WS-Security UsernameToken, PasswordDigest = Base64(SHA-1(nonce + created + password)). */
    String usernameToken() throws Exception {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String created = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(nonce);
        sha1.update(created.getBytes(StandardCharsets.UTF_8));
        sha1.update(password.getBytes(StandardCharsets.UTF_8));
        String digest = Base64.getEncoder().encodeToString(sha1.digest());
        return "<wsse:Security xmlns:wsse=\"" + WSSE + "\" xmlns:wsu=\"" + WSU + "\" s:mustUnderstand=\"1\">"
                + "<wsse:UsernameToken>"
                + "<wsse:Username>" + escape(user) + "</wsse:Username>"
                + "<wsse:Password Type=\"" + TOKEN_PROFILE + "#PasswordDigest\">" + digest + "</wsse:Password>"
                + "<wsse:Nonce EncodingType=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary\">"
                + Base64.getEncoder().encodeToString(nonce) + "</wsse:Nonce>"
                + "<wsu:Created>" + created + "</wsu:Created>"
                + "</wsse:UsernameToken></wsse:Security>";
    }

    /** The package through its link: plain HTTP GET, no credentials (the link is signed). */
    byte[] download(String url) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) throw new IllegalStateException("download answered HTTP " + response.statusCode());
        return response.body();
    }

    /** A namespace-aware parser that refuses DOCTYPEs and never reads anything external (XXE-safe). */
    static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    String text(Object context, String expression) throws Exception {
        return xpath.evaluate(expression, context).trim();
    }

    NodeList nodes(Object context, String expression) throws Exception {
        return (NodeList) xpath.evaluate(expression, context, XPathConstants.NODESET);
    }

    /** `<dm:name>` around escaped text. */
    static String el(String name, String text) {
        return "<dm:" + name + ">" + escape(text) + "</dm:" + name + ">";
    }

    /** `<dm:name>` around child elements already built. */
    static String group(String name, String... children) {
        return "<dm:" + name + ">" + String.join("", children) + "</dm:" + name + ">";
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"').toString();
    }

    /** Prefixes used in the XPath expressions; `detail` (SOAP 1.1 Fault) is unqualified. */
    static final class Prefixes implements NamespaceContext {
        @Override
        public String getNamespaceURI(String prefix) {
            return switch (prefix) {
                case "s" -> SOAP11;
                case "dm" -> DM;
                default -> XMLConstants.NULL_NS_URI;
            };
        }

        @Override
        public String getPrefix(String namespaceURI) {
            return null;
        }

        @Override
        public Iterator<String> getPrefixes(String namespaceURI) {
            return null;
        }
    }
}
