/*
 * The whole descarga-masiva story written only against what Axis 1.4 `WSDL2Java` generates from
 * /soap/v2/DescargaMasiva?wsdl (package v2.descarga_masiva): one call per operation, one Peticion in,
 * one Resultado out, lists as arrays, Axis' type-safe enum classes, and the Fault as the generated
 * `Falla` (an AxisFault). HTTP Basic through the stub's setUsername / setPassword (sent on every request).
 *
 *     java -cp classes:$AXISCP DescargaMasivaStory http://127.0.0.1:8080 demo demo EKU9003173C9 2026-04-01
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
import org.apache.axis.client.Stub;
import v2.descarga_masiva.CampoOrdenSolicitudes;
import v2.descarga_masiva.ContextoPedido;
import v2.descarga_masiva.DescargaMasivaLocator;
import v2.descarga_masiva.DescargaMasivaPortType;
import v2.descarga_masiva.DetalleSolicitud;
import v2.descarga_masiva.Direccion;
import v2.descarga_masiva.EstadoRegistro;
import v2.descarga_masiva.EstadoSolicitud;
import v2.descarga_masiva.Falla;
import v2.descarga_masiva.FiltroSolicitudes;
import v2.descarga_masiva.Orden;
import v2.descarga_masiva.Paquete;
import v2.descarga_masiva.RecuperarLinkDescargaPeticion;
import v2.descarga_masiva.RecuperarLinkDescargaResultado;
import v2.descarga_masiva.RecuperarListaSolicitudesPeticion;
import v2.descarga_masiva.RecuperarListaSolicitudesResultado;
import v2.descarga_masiva.RecuperarSolicitudPeticion;
import v2.descarga_masiva.RegistrarSolicitudPeticion;
import v2.descarga_masiva.ResultadoRegistro;
import v2.descarga_masiva.ResumenSolicitud;
import v2.descarga_masiva.TipoSolicitudFiltro;
import v2.descarga_masiva.TipoSolicitudPedida;

public class DescargaMasivaStory {
    private static final List<EstadoSolicitud> RUNNING =
            List.of(EstadoSolicitud.Registrada, EstadoSolicitud.EnProceso, EstadoSolicitud.Descargando);

    private final DescargaMasivaPortType port;
    private final String rfc;

    DescargaMasivaStory(String base, String user, String password, String rfc) throws Exception {
        // The Locator holds what WSDL2Java read; only the address is given at run time.
        port = new DescargaMasivaLocator().getDescargaMasivaSoap11(new URL(base + "/soap/v2/DescargaMasiva"));
        ((Stub) port).setUsername(user);
        ((Stub) port).setPassword(password);
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
        } catch (Falla falla) {
            System.out.println("FAILED: Falla " + falla.getCodigo() + " " + falla.getMensajeEn());
            System.exit(1);
        } catch (Exception e) {
            System.out.println("FAILED: " + e);
            System.exit(1);
        }
    }

    void run(LocalDate firstDay) throws Exception {
        String referencia = "axis-v2-" + firstDay;
        String first = register(rfc, firstDay, referencia + "-a");
        String second = register(rfc, firstDay.plusDays(5), referencia + "-b");

        DetalleSolicitud solicitud = null;
        for (int poll = 1; poll <= 240; poll++) {
            RecuperarSolicitudPeticion peticion = new RecuperarSolicitudPeticion();
            peticion.setIdSolicitud(first);
            solicitud = port.recuperarSolicitud(peticion).getSolicitud();
            if (solicitud.getEstado() == EstadoSolicitud.Completada) {
                System.out.println("Completada after " + poll + " polls: " + first);
                break;
            }
            if (!RUNNING.contains(solicitud.getEstado())) throw new IllegalStateException("solicitud ended " + solicitud.getEstado());
            Thread.sleep(500);
        }
        if (solicitud.getEstado() != EstadoSolicitud.Completada) throw new IllegalStateException("not Completada in time");

        Paquete paquete = solicitud.getPaquetes()[0];
        RecuperarLinkDescargaPeticion pideLink = new RecuperarLinkDescargaPeticion();
        pideLink.setIdSolicitud(first);
        pideLink.setIdPaquete(paquete.getIdPaquete());
        pideLink.setVigenciaSegundos(300);
        RecuperarLinkDescargaResultado link = port.recuperarLinkDescarga(pideLink);
        System.out.println("link: " + link.getUrl());
        byte[] zip;
        try (InputStream in = new URL(link.getUrl().toString()).openStream()) {
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
            orden.setCampo(CampoOrdenSolicitudes.FechaInicial);
            orden.setDireccion(Direccion.ASC);
            RecuperarListaSolicitudesPeticion peticion = new RecuperarListaSolicitudesPeticion();
            peticion.setFiltro(filtro);
            peticion.setOrden(orden);
            peticion.setPagina(page);
            peticion.setTamanoPagina(1);
            RecuperarListaSolicitudesResultado lista = port.recuperarListaSolicitudes(peticion);
            ResumenSolicitud[] rows = lista.getSolicitudes();
            String id = rows != null && rows.length == 1 ? rows[0].getIdSolicitud() : "";
            System.out.println("page " + lista.getPagina() + " of " + lista.getTotalPaginas() + ": " + id);
            if (!id.equals(expected[page - 1]) || lista.getTotalPaginas() != 2) {
                throw new IllegalStateException("page " + page + " should hold " + expected[page - 1]);
            }
        }

        try {
            register("NO-ES-RFC", firstDay, referencia + "-x");
            throw new IllegalStateException("a bad RFC was accepted");
        } catch (Falla falla) {
            System.out.println("Falla: Codigo=" + falla.getCodigo() + " Campo=" + falla.getCampo() + " IdPeticion=" + falla.getIdPeticion());
        }
    }

    String register(String rfc, LocalDate from, String referencia) throws Exception {
        RegistrarSolicitudPeticion peticion = new RegistrarSolicitudPeticion();
        peticion.setRfc(rfc);
        peticion.setFechaInicial(from + "T00:00:00");
        peticion.setFechaFinal(from.plusDays(4) + "T23:59:59");
        peticion.setContexto(ContextoPedido.Emitidos);
        peticion.setTipoSolicitud(TipoSolicitudPedida.CFDI);
        peticion.setReferenciaCliente(referencia);
        ResultadoRegistro resultado = port.registrarSolicitud(peticion).getResultados()[0];
        System.out.println("registered " + resultado.getIdSolicitud() + " (" + resultado.getEstado() + ") ReferenciaCliente=" + referencia);
        if (resultado.getEstado() != EstadoRegistro.Registrada) throw new IllegalStateException(resultado.getMensaje());
        return resultado.getIdSolicitud();
    }
}
