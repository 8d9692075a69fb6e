// The whole descarga-masiva story written only against the ASMX proxy that mono's `wsdl` generates from
// /soap/v2/DescargaMasiva?wsdl (class DescargaMasiva, a SoapHttpClientProtocol): one call per operation,
// one Peticion in, one Resultado out, C# enums, and the XmlSerializer's optional pattern (an optional
// value X is sent only when XSpecified is true). HTTP Basic through the proxy's Credentials: the proxy
// sends them after the service's 401 challenge, as .NET does.
//
//     mono DescargaMasivaStory.exe http://127.0.0.1:8080 demo demo EKU9003173C9 2026-04-01
//
// Registers two five-day periods from the given day (CFDI emitted, with ReferenciaCliente), polls the
// first until Completada, downloads its first package through RecuperarLinkDescarga and checks the
// SHA-256, lists the two solicitudes one per page, then registers a malformed RFC and reads the Fault's
// Codigo and Campo from SoapException.Detail (ASMX proxies have no typed faults). One line per step;
// exit status 1 on any failure.

using System;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Web.Services.Protocols;
using System.Xml;

public static class DescargaMasivaStory
{
    const string Ns = "urn:descarga-masiva:v2";
    static DescargaMasiva proxy;
    static string rfc;

    public static int Main(string[] args)
    {
        if (args.Length != 5)
        {
            Console.Error.WriteLine("usage: mono DescargaMasivaStory.exe <base-url> <user> <password> <rfc> <first-day yyyy-MM-dd>");
            return 2;
        }
        try
        {
            // The proxy carries the address it was generated from; point it at the service to use.
            proxy = new DescargaMasiva
            {
                Url = args[0] + "/soap/v2/DescargaMasiva",
                Credentials = new NetworkCredential(args[1], args[2]),
            };
            rfc = args[3];
            Run(DateTime.ParseExact(args[4], "yyyy-MM-dd", null));
            Console.WriteLine("story complete");
            return 0;
        }
        catch (SoapException e)
        {
            Console.WriteLine("FAILED: Falla " + Falla(e, "Codigo") + " " + Falla(e, "MensajeEn"));
            return 1;
        }
        catch (Exception e)
        {
            Console.WriteLine("FAILED: " + e);
            return 1;
        }
    }

    static void Run(DateTime firstDay)
    {
        string referencia = "asmx-v2-" + Day(firstDay);
        string first = Register(rfc, firstDay, referencia + "-a");
        string second = Register(rfc, firstDay.AddDays(5), referencia + "-b");

        DetalleSolicitud solicitud = null;
        for (int poll = 1; poll <= 240; poll++)
        {
            solicitud = proxy.RecuperarSolicitud(new RecuperarSolicitudPeticion { IdSolicitud = first }).Solicitud;
            if (solicitud.Estado == EstadoSolicitud.Completada)
            {
                Console.WriteLine("Completada after " + poll + " polls: " + first);
                break;
            }
            if (solicitud.Estado != EstadoSolicitud.Registrada && solicitud.Estado != EstadoSolicitud.EnProceso
                && solicitud.Estado != EstadoSolicitud.Descargando)
                throw new Exception("solicitud ended " + solicitud.Estado);
            Thread.Sleep(500);
        }
        if (solicitud.Estado != EstadoSolicitud.Completada) throw new Exception("not Completada in time");

        Paquete paquete = solicitud.Paquetes[0];
        RecuperarLinkDescargaResultado link = proxy.RecuperarLinkDescarga(new RecuperarLinkDescargaPeticion
        {
            IdSolicitud = first,
            IdPaquete = paquete.IdPaquete,
            VigenciaSegundos = 300,
            VigenciaSegundosSpecified = true,
        });
        Console.WriteLine("link: " + link.Url);
        byte[] zip = new WebClient().DownloadData(link.Url);
        string sha256 = Hex(SHA256.Create().ComputeHash(zip));
        if (sha256 != link.Sha256 || sha256 != paquete.Sha256)
            throw new Exception("SHA-256 mismatch: downloaded " + sha256 + ", announced " + link.Sha256);
        Console.WriteLine("SHA-256 matched: " + sha256 + " (" + zip.Length + " bytes)");

        // The two CFDI solicitudes of this run (the service adds Metadata ones of its own to size a CFDI
        // request): periods overlapping the second to the ninth day, one per page, oldest period first.
        string[] expected = { first, second };
        for (int page = 1; page <= 2; page++)
        {
            RecuperarListaSolicitudesResultado lista = proxy.RecuperarListaSolicitudes(new RecuperarListaSolicitudesPeticion
            {
                Filtro = new FiltroSolicitudes
                {
                    Rfc = rfc,
                    TipoSolicitud = TipoSolicitudFiltro.CFDI,
                    TipoSolicitudSpecified = true,
                    PeriodoDesde = Day(firstDay.AddDays(1)) + "T00:00:00",
                    PeriodoHasta = Day(firstDay.AddDays(8)) + "T00:00:00",
                },
                Orden = new Orden { Campo = CampoOrdenSolicitudes.FechaInicial, Direccion = Direccion.ASC, DireccionSpecified = true },
                Pagina = page,
                PaginaSpecified = true,
                TamanoPagina = 1,
                TamanoPaginaSpecified = true,
            });
            ResumenSolicitud[] rows = lista.Solicitudes;
            string id = rows != null && rows.Length == 1 ? rows[0].IdSolicitud : "";
            Console.WriteLine("page " + lista.Pagina + " of " + lista.TotalPaginas + ": " + id);
            if (id != expected[page - 1] || lista.TotalPaginas != 2)
                throw new Exception("page " + page + " should hold " + expected[page - 1]);
        }

        try
        {
            Register("NO-ES-RFC", firstDay, referencia + "-x");
            throw new Exception("a bad RFC was accepted");
        }
        catch (SoapException e)
        {
            Console.WriteLine("Falla: Codigo=" + Falla(e, "Codigo") + " Campo=" + Falla(e, "Campo") + " IdPeticion=" + Falla(e, "IdPeticion"));
        }
    }

    static string Register(string rfc, DateTime from, string referencia)
    {
        ResultadoRegistro resultado = proxy.RegistrarSolicitud(new RegistrarSolicitudPeticion
        {
            Rfc = rfc,
            FechaInicial = Day(from) + "T00:00:00",
            FechaFinal = Day(from.AddDays(4)) + "T23:59:59",
            Contexto = ContextoPedido.Emitidos,
            ContextoSpecified = true,
            TipoSolicitud = TipoSolicitudPedida.CFDI,
            TipoSolicitudSpecified = true,
            ReferenciaCliente = referencia,
        }).Resultados[0];
        Console.WriteLine("registered " + resultado.IdSolicitud + " (" + resultado.Estado + ") ReferenciaCliente=" + referencia);
        if (resultado.Estado != EstadoRegistro.Registrada) throw new Exception(resultado.Mensaje);
        return resultado.IdSolicitud;
    }

    /// <summary>A member of the Fault's tns:Falla: the proxy hands over the detail element as XML.</summary>
    static string Falla(SoapException e, string member)
    {
        XmlNode falla = e.Detail == null ? null : e.Detail["Falla", Ns];
        XmlNode value = falla == null ? null : falla[member, Ns];
        return value == null ? "" : value.InnerText;
    }

    static string Day(DateTime day)
    {
        return day.ToString("yyyy-MM-dd");
    }

    static string Hex(byte[] bytes)
    {
        var hex = new StringBuilder();
        foreach (byte b in bytes) hex.Append(b.ToString("x2"));
        return hex.ToString();
    }
}
