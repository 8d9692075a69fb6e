/*
 * The whole descarga-masiva story written only against what `wsimport` generates from
 * /soap/v2/DescargaMasiva?wsdl (package masiva.descarga.v2): one call per operation, one Peticion in,
 * one Resultado out, enums for the XSD's enumerations, FallaException for a Fault. HTTP Basic through
 * BindingProvider.USERNAME_PROPERTY / PASSWORD_PROPERTY (JAX-WS sends it on every request).
 *
 *     java -cp .:/usr/share/java/jaxws-rt.jar DescargaMasivaStory http://127.0.0.1:8080 demo demo \
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
import masiva.descarga.v2.CampoOrdenSolicitudes;
import masiva.descarga.v2.ContextoPedido;
import masiva.descarga.v2.DescargaMasiva;
import masiva.descarga.v2.DescargaMasivaPortType;
import masiva.descarga.v2.DetalleSolicitud;
import masiva.descarga.v2.Direccion;
import masiva.descarga.v2.EstadoRegistro;
import masiva.descarga.v2.EstadoSolicitud;
import masiva.descarga.v2.Falla;
import masiva.descarga.v2.FallaException;
import masiva.descarga.v2.FiltroSolicitudes;
import masiva.descarga.v2.Orden;
import masiva.descarga.v2.Paquete;
import masiva.descarga.v2.RecuperarLinkDescargaPeticion;
import masiva.descarga.v2.RecuperarLinkDescargaResultado;
import masiva.descarga.v2.RecuperarListaSolicitudesPeticion;
import masiva.descarga.v2.RecuperarListaSolicitudesResultado;
import masiva.descarga.v2.RecuperarSolicitudPeticion;
import masiva.descarga.v2.RegistrarSolicitudPeticion;
import masiva.descarga.v2.ResultadoRegistro;
import masiva.descarga.v2.ResumenSolicitud;
import masiva.descarga.v2.TipoSolicitudFiltro;
import masiva.descarga.v2.TipoSolicitudPedida;

public class DescargaMasivaStory {
    private static final List<EstadoSolicitud> RUNNING =
            List.of(EstadoSolicitud.REGISTRADA, EstadoSolicitud.EN_PROCESO, EstadoSolicitud.DESCARGANDO);

    private final DescargaMasivaPortType port;
    private final String rfc;

    DescargaMasivaStory(String base, String user, String password, String rfc) throws Exception {
        // The generated service reads the WSDL from the running service; the port then posts to it.
        port = new DescargaMasiva(new URL(base + "/soap/v2/DescargaMasiva?wsdl")).getDescargaMasivaSoap11();
        Map<String, Object> context = ((BindingProvider) port).getRequestContext();
        context.put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, base + "/soap/v2/DescargaMasiva");
        context.put(BindingProvider.USERNAME_PROPERTY, user);
        context.put(BindingProvider.PASSWORD_PROPERTY, password);
        this.rfc = rfc;
    }

    public static void main(String[] args) {
        if (args.length != 5) {
            System.err.println("usage: DescargaMasivaStory <base-url> <user> <password> <rfc> <first-day yyyy-MM-dd>");
            System.exit(2);
        }
        try {
            new DescargaMasivaStory(args[0], args[1], args[2], args[3]).run(LocalDate.parse(args[4]));
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
        String referencia = "jaxws-v2-" + firstDay;
        String first = register(rfc, firstDay, referencia + "-a");
        String second = register(rfc, firstDay.plusDays(5), referencia + "-b");

        DetalleSolicitud solicitud = null;
        for (int poll = 1; poll <= 240; poll++) {
            RecuperarSolicitudPeticion peticion = new RecuperarSolicitudPeticion();
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
        RecuperarLinkDescargaPeticion pideLink = new RecuperarLinkDescargaPeticion();
        pideLink.setIdSolicitud(first);
        pideLink.setIdPaquete(paquete.getIdPaquete());
        pideLink.setVigenciaSegundos(300);
        RecuperarLinkDescargaResultado link = port.recuperarLinkDescarga(pideLink);
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
            FiltroSolicitudes filtro = new FiltroSolicitudes();
            filtro.setRfc(rfc);
            filtro.setTipoSolicitud(TipoSolicitudFiltro.CFDI);
            filtro.setPeriodoDesde(firstDay.plusDays(1) + "T00:00:00");
            filtro.setPeriodoHasta(firstDay.plusDays(8) + "T00:00:00");
            Orden orden = new Orden();
            orden.setCampo(CampoOrdenSolicitudes.FECHA_INICIAL);
            orden.setDireccion(Direccion.ASC);
            RecuperarListaSolicitudesPeticion peticion = new RecuperarListaSolicitudesPeticion();
            peticion.setFiltro(filtro);
            peticion.setOrden(orden);
            peticion.setPagina(page);
            peticion.setTamanoPagina(1);
            RecuperarListaSolicitudesResultado lista = port.recuperarListaSolicitudes(peticion);
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
        RegistrarSolicitudPeticion peticion = new RegistrarSolicitudPeticion();
        peticion.setRfc(rfc);
        peticion.setFechaInicial(from + "T00:00:00");
        peticion.setFechaFinal(from.plusDays(4) + "T23:59:59");
        peticion.setContexto(ContextoPedido.EMITIDOS);
        peticion.setTipoSolicitud(TipoSolicitudPedida.CFDI);
        peticion.setReferenciaCliente(referencia);
        ResultadoRegistro resultado = port.registrarSolicitud(peticion).getResultados().getResultado().get(0);
        System.out.println("registered " + resultado.getIdSolicitud() + " (" + resultado.getEstado().value() + ") ReferenciaCliente=" + referencia);
        if (resultado.getEstado() != EstadoRegistro.REGISTRADA) throw new IllegalStateException(resultado.getMensaje());
        return resultado.getIdSolicitud();
    }
}
