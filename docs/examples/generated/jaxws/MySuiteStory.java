/*
 * The whole story through MYSuite's RequestTransaction, written only against what `wsimport` generates
 * from /mx.com.fact.wsfront/FactWSFront.asmx?wsdl (package mx.com.fact.schema.ws). The credentials are
 * in-band, as MYSuite defines them: the Requestor GUID (and User) in every call, the RFC in Entity.
 *
 *     java -cp .:/usr/share/java/jaxws-rt.jar MySuiteStory http://127.0.0.1:8080 \
 *         11111111-2222-3333-4444-555555555555 EKU9003173C9 2026-04-01
 *
 * Registers two five-day periods from the given day (CFDI emitted), polls the first until Completada,
 * downloads its first package through OBTENER_LINK_DESCARGA_DM_SAT and checks the SHA-256, lists the
 * two solicitudes one per page, then shows how an error arrives: in-band (Result=false and a Code), as
 * MYSuite answers it, never as a SOAP Fault. One line per step; exit status 1 on any failure.
 */

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.ws.BindingProvider;
import mx.com.fact.schema.ws.FactResponse;
import mx.com.fact.schema.ws.FactWSFront;
import mx.com.fact.schema.ws.FactWSFrontSoap;
import mx.com.fact.schema.ws.TransactionTag;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public class MySuiteStory {
    private final FactWSFrontSoap port;
    private final String requestor;
    private final String rfc;

    MySuiteStory(String base, String requestor, String rfc) throws Exception {
        // The generated service reads the WSDL from the running service; the port then posts to it.
        port = new FactWSFront(new URL(base + "/mx.com.fact.wsfront/FactWSFront.asmx?wsdl")).getFactWSFrontSoap();
        ((BindingProvider) port).getRequestContext()
                .put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, base + "/mx.com.fact.wsfront/FactWSFront.asmx");
        this.requestor = requestor;
        this.rfc = rfc;
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: MySuiteStory <base-url> <requestor-guid> <rfc> <first-day yyyy-MM-dd>");
            System.exit(2);
        }
        try {
            new MySuiteStory(args[0], args[1], args[2]).run(LocalDate.parse(args[3]));
            System.out.println("story complete");
        } catch (Exception e) {
            System.out.println("FAILED: " + e);
            System.exit(1);
        }
    }

    void run(LocalDate firstDay) throws Exception {
        String referencia = "jaxws-mysuite-" + firstDay;
        String first = register(firstDay, referencia + "-a");
        String second = register(firstDay.plusDays(5), referencia + "-b");

        Element solicitud = null;
        for (int poll = 1; poll <= 240; poll++) {
            solicitud = call("OBTENER_SOLICITUD_DM_SAT", Map.of("Id", first));
            String estado = solicitud.getAttribute("Estado");
            if (estado.equals("Completada")) {
                System.out.println("Completada after " + poll + " polls: " + first);
                break;
            }
            if (!estado.matches("Registrada|EnProceso|Descargando")) throw new IllegalStateException("solicitud ended " + estado);
            Thread.sleep(500);
        }
        if (!solicitud.getAttribute("Estado").equals("Completada")) throw new IllegalStateException("not Completada in time");

        Element paquete = (Element) solicitud.getElementsByTagName("Paquete").item(0);
        Element link = call("OBTENER_LINK_DESCARGA_DM_SAT",
                Map.of("Id", first, "IdPaquete", paquete.getAttribute("IdPaquete"), "Vigencia", "300"));
        System.out.println("link: " + link.getAttribute("Url"));
        byte[] zip;
        try (InputStream in = new URL(link.getAttribute("Url")).openStream()) {
            zip = in.readAllBytes();
        }
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(zip));
        if (!sha256.equals(link.getAttribute("Sha256")) || !sha256.equals(paquete.getAttribute("Sha256"))) {
            throw new IllegalStateException("SHA-256 mismatch: downloaded " + sha256 + ", announced " + link.getAttribute("Sha256"));
        }
        System.out.println("SHA-256 matched: " + sha256 + " (" + zip.length + " bytes)");

        // The two CFDI solicitudes of this run (the service adds Metadata ones of its own to size a CFDI
        // request), one per page, oldest period first.
        String filters = "<Filters><Filter Name=\"TipoSolicitud\" Oper=\"=\" Value1=\"CFDI\" Value2=\"\"/>"
                + "<Filter Name=\"FechaInicial\" Oper=\"BETWEEN\" Value1=\"" + firstDay + " 00:00:00\" Value2=\""
                + firstDay.plusDays(5) + " 00:00:00\"/></Filters>";
        String[] expected = {first, second};
        for (int page = 1; page <= 2; page++) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("Filters", Base64.getEncoder().encodeToString(filters.getBytes(StandardCharsets.UTF_8)));
            params.put("Order", "FechaInicial ASC");
            params.put("Page", String.valueOf(page));
            params.put("PageSize", "1");
            Element list = call("OBTENER_LISTA_SOLICITUDES_DM_SAT", params);
            NodeList rows = list.getElementsByTagName("Solicitud");
            String id = rows.getLength() == 1 ? ((Element) rows.item(0)).getAttribute("IdSolicitud") : "";
            System.out.println("page " + page + " of " + list.getAttribute("TotalPages") + ": " + id);
            if (!id.equals(expected[page - 1]) || !list.getAttribute("TotalPages").equals("2")) {
                throw new IllegalStateException("page " + page + " should hold " + expected[page - 1]);
            }
        }

        // A malformed RFC: MYSuite answers in-band, so the generated call returns normally.
        TransactionTag refused = port.requestTransaction(requestor, "REGISTRAR_SOLICITUD_DM_SAT", "MX", "NO-ES-RFC",
                requestor, "erp-jaxws", dictionary(registration(firstDay, referencia + "-x")), "", "");
        FactResponse response = refused.getResponse();
        System.out.println("in-band error: Result=" + response.isResult() + " Code=" + response.getCode() + " " + response.getHint());
        if (response.isResult() || response.getCode() == 0) throw new IllegalStateException("a bad RFC was accepted");
    }

    String register(LocalDate from, String referencia) throws Exception {
        Element solicitudes = call("REGISTRAR_SOLICITUD_DM_SAT", registration(from, referencia));
        Element row = (Element) solicitudes.getElementsByTagName("Solicitud").item(0);
        System.out.println("registered " + row.getAttribute("Id") + " (" + row.getAttribute("Estado") + ") ReferenciaCliente=" + referencia);
        if (!row.getAttribute("Estado").equals("Registrada")) throw new IllegalStateException(row.getAttribute("Mensaje"));
        return row.getAttribute("Id");
    }

    static Map<String, String> registration(LocalDate from, String referencia) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("FechaInicial", from + " 00:00:00");
        params.put("FechaFinal", from.plusDays(4) + " 23:59:59");
        params.put("Servicio", "CFDIS");
        params.put("TipoSolicitud", "CFDI");
        params.put("TipoTaxID", "EMISOR");
        params.put("ReferenciaCliente", referencia);
        return params;
    }

    /** One transaction through the generated port; returns the root of ResponseData1 (Base64 XML). */
    Element call(String transaction, Map<String, String> params) throws Exception {
        TransactionTag answer = port.requestTransaction(requestor, transaction, "MX", rfc, requestor, "erp-jaxws",
                dictionary(params), "", "");
        FactResponse response = answer.getResponse();
        if (!response.isResult()) {
            throw new IllegalStateException(transaction + ": Code=" + response.getCode() + " " + response.getDescription());
        }
        byte[] xml = Base64.getMimeDecoder().decode(answer.getResponseData().getResponseData1());
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml)).getDocumentElement();
    }

    /** Data1: Base64 of <Dictionary name="Params"><Entry k="..." v="..."/>...</Dictionary>. */
    static String dictionary(Map<String, String> params) {
        StringBuilder xml = new StringBuilder("<Dictionary name=\"Params\">");
        params.forEach((k, v) -> xml.append("<Entry k=\"").append(escape(k)).append("\" v=\"").append(escape(v)).append("\"/>"));
        xml.append("</Dictionary>");
        return Base64.getEncoder().encodeToString(xml.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
    }
}
