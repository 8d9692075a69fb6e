/*
 * The same story as DescargaMasivaStory.java against contract v1: what `wsimport` generates from
 * /soap/DescargaMasiva?wsdl (package masiva.descarga.v1). The v1 WSDL carries an embedded
 * jaxws:enableWrapperStyle=false, so each operation takes its request element's class and returns its
 * response element's class (no Holder parameters). For new integrations prefer v2.
 *
 *     java -cp .:/usr/share/java/jaxws-rt.jar DescargaMasivaV1Story http://127.0.0.1:8080 demo demo \
 *         EKU9003173C9 2026-04-01
 *
 * Registers two five-day periods from the given day (CFDI emitted, with ReferenciaCliente), polls the
 * first until Completada, downloads its first package through RecuperarLinkDescarga and checks the
 * SHA-256, lists the two solicitudes one per page, then registers a malformed RFC and reads the Fault's
 * Codigo and Campo. One line per step; exit status 1 on any failure.
 */

import java.io.InputStream;
import java.net.URL;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.xml.ws.BindingProvider;
import masiva.descarga.v1.CampoOrdenSolicitudes;
import masiva.descarga.v1.ContextoPedido;
import masiva.descarga.v1.DescargaMasiva;
import masiva.descarga.v1.DescargaMasivaPortType;
import masiva.descarga.v1.Direccion;
import masiva.descarga.v1.EstadoRegistro;
import masiva.descarga.v1.EstadoSolicitud;
import masiva.descarga.v1.Falla;
import masiva.descarga.v1.FallaException;
import masiva.descarga.v1.Orden;
import masiva.descarga.v1.Paquete;
import masiva.descarga.v1.RecuperarLinkDescarga;
import masiva.descarga.v1.RecuperarLinkDescargaResponse;
import masiva.descarga.v1.RecuperarListaSolicitudes;
import masiva.descarga.v1.RecuperarListaSolicitudesResponse;
import masiva.descarga.v1.RecuperarSolicitud;
import masiva.descarga.v1.RecuperarSolicitudResponse;
import masiva.descarga.v1.RegistrarSolicitud;
import masiva.descarga.v1.RegistrarSolicitudResponse;
import masiva.descarga.v1.ResumenSolicitud;
import masiva.descarga.v1.TipoSolicitud;
import masiva.descarga.v1.TipoSolicitudPedida;

public class DescargaMasivaV1Story {
    private static final List<EstadoSolicitud> RUNNING =
            List.of(EstadoSolicitud.REGISTRADA, EstadoSolicitud.EN_PROCESO, EstadoSolicitud.DESCARGANDO);

    private final DescargaMasivaPortType port;
    private final String rfc;

    DescargaMasivaV1Story(String base, String user, String password, String rfc) throws Exception {
        // The generated service reads the WSDL from the running service; the port then posts to it.
        port = new DescargaMasiva(new URL(base + "/soap/DescargaMasiva?wsdl")).getDescargaMasivaSoap11();
        Map<String, Object> context = ((BindingProvider) port).getRequestContext();
        context.put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, base + "/soap/DescargaMasiva");
        context.put(BindingProvider.USERNAME_PROPERTY, user);
        context.put(BindingProvider.PASSWORD_PROPERTY, password);
        this.rfc = rfc;
    }

    public static void main(String[] args) {
        if (args.length != 5) {
            System.err.println("usage: DescargaMasivaV1Story <base-url> <user> <password> <rfc> <first-day yyyy-MM-dd>");
            System.exit(2);
        }
        try {
            new DescargaMasivaV1Story(args[0], args[1], args[2], args[3]).run(LocalDate.parse(args[4]));
            System.out.println("story complete");
        } catch (FallaException e) {
            Falla falla = e.getFaultInfo();
            System.out.println("FAILED: Falla " + falla.getCodigo() + " " + falla.getMensajeEn());
            System.exit(1);
        } catch (Exception e) {
            System.out.println("FAILED: " + e);
            System.exit(1);
        }
    }

    void run(LocalDate firstDay) throws Exception {
        String referencia = "jaxws-v1-" + firstDay;
        String first = register(rfc, firstDay, referencia + "-a");
        String second = register(rfc, firstDay.plusDays(5), referencia + "-b");

        RecuperarSolicitudResponse.Solicitud solicitud = null;
        for (int poll = 1; poll <= 240; poll++) {
            RecuperarSolicitud peticion = new RecuperarSolicitud();
            peticion.setIdSolicitud(first);
            solicitud = port.recuperarSolicitud(peticion).getSolicitud();
            if (solicitud.getEstado() == EstadoSolicitud.COMPLETADA) {
                System.out.println("Completada after " + poll + " polls: " + first);
                break;
            }
            if (!RUNNING.contains(solicitud.getEstado())) throw new IllegalStateException("solicitud ended " + solicitud.getEstado());
            Thread.sleep(500);
        }
        if (solicitud.getEstado() != EstadoSolicitud.COMPLETADA) throw new IllegalStateException("not Completada in time");

        Paquete paquete = solicitud.getPaquetes().getPaquete().get(0);
        RecuperarLinkDescarga pideLink = new RecuperarLinkDescarga();
        pideLink.setIdSolicitud(first);
        pideLink.setIdPaquete(paquete.getIdPaquete());
        pideLink.setVigenciaSegundos(300);
        RecuperarLinkDescargaResponse link = port.recuperarLinkDescarga(pideLink);
        System.out.println("link: " + link.getUrl());
        byte[] zip;
        try (InputStream in = new URL(link.getUrl()).openStream()) {
            zip = in.readAllBytes();
        }
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(zip));
        if (!sha256.equals(link.getSha256()) || !sha256.equals(paquete.getSha256())) {
            throw new IllegalStateException("SHA-256 mismatch: downloaded " + sha256 + ", announced " + link.getSha256());
        }
        System.out.println("SHA-256 matched: " + sha256 + " (" + zip.length + " bytes)");

        // The two CFDI solicitudes of this run (the service adds Metadata ones of its own to size a CFDI
        // request): periods overlapping the second to the ninth day, one per page, oldest period first.
        String[] expected = {first, second};
        for (int page = 1; page <= 2; page++) {
            RecuperarListaSolicitudes.Filtro filtro = new RecuperarListaSolicitudes.Filtro();
            filtro.setRfc(rfc);
            filtro.setTipoSolicitud(TipoSolicitud.CFDI);
            filtro.setPeriodoDesde(firstDay.plusDays(1) + "T00:00:00");
            filtro.setPeriodoHasta(firstDay.plusDays(8) + "T00:00:00");
            Orden orden = new Orden();
            orden.setCampo(CampoOrdenSolicitudes.FECHA_INICIAL);
            orden.setDireccion(Direccion.ASC);
            RecuperarListaSolicitudes peticion = new RecuperarListaSolicitudes();
            peticion.setFiltro(filtro);
            peticion.setOrden(orden);
            peticion.setPagina(page);
            peticion.setTamanoPagina(1);
            RecuperarListaSolicitudesResponse lista = port.recuperarListaSolicitudes(peticion);
            List<ResumenSolicitud> rows = lista.getSolicitudes().getSolicitud();
            String id = rows.size() == 1 ? rows.get(0).getIdSolicitud() : "";
            System.out.println("page " + lista.getPagina() + " of " + lista.getTotalPaginas() + ": " + id);
            if (!id.equals(expected[page - 1]) || lista.getTotalPaginas() != 2) {
                throw new IllegalStateException("page " + page + " should hold " + expected[page - 1]);
            }
        }

        try {
            register("NO-ES-RFC", firstDay, referencia + "-x");
            throw new IllegalStateException("a bad RFC was accepted");
        } catch (FallaException e) {
            Falla falla = e.getFaultInfo();
            System.out.println("Falla: Codigo=" + falla.getCodigo() + " Campo=" + falla.getCampo() + " IdPeticion=" + falla.getIdPeticion());
        }
    }

    String register(String rfc, LocalDate from, String referencia) throws FallaException {
        RegistrarSolicitud peticion = new RegistrarSolicitud();
        peticion.setRfc(rfc);
        peticion.setFechaInicial(from + "T00:00:00");
        peticion.setFechaFinal(from.plusDays(4) + "T23:59:59");
        peticion.setContexto(ContextoPedido.EMITIDOS);
        peticion.setTipoSolicitud(TipoSolicitudPedida.CFDI);
        peticion.setReferenciaCliente(referencia);
        RegistrarSolicitudResponse.Resultados.Resultado resultado =
                port.registrarSolicitud(peticion).getResultados().getResultado().get(0);
        System.out.println("registered " + resultado.getIdSolicitud() + " (" + resultado.getEstado().value() + ") ReferenciaCliente=" + referencia);
        if (resultado.getEstado() != EstadoRegistro.REGISTRADA) throw new IllegalStateException(resultado.getMensaje());
        return resultado.getIdSolicitud();
    }
}
