// The whole descarga-masiva story written only against the WCF client that mono's `svcutil` generates
// from /soap/v2/DescargaMasiva?wsdl (DescargaMasivaPortTypeClient, data contracts in namespace
// descargamasiva.v2): one call per operation, one Peticion in, one Resultado out, C# enums, lists as
// List<T>. svcutil writes no configuration file, so the binding is built in code: BasicHttpBinding
// (SOAP 1.1) with TransportCredentialOnly and HTTP Basic, the credentials in ClientCredentials.UserName
// (WCF sends them after the service's 401 challenge).
//
// mono's svcutil does not import wsdl:fault, so the client would read our Fault's detail as
// ExceptionDetail and fail with a SerializationException. The Falla class below (a DataContract shaped
// as the WSDL's tns:Falla) is added to each operation's description before the first call; then a Fault
// arrives as FaultException<Falla>, as a client generated with faults would receive it.
//
//     mono DescargaMasivaStory.exe http://127.0.0.1:8080 demo demo EKU9003173C9 2026-04-01
//
// Registers two five-day periods from the given day (CFDI emitted, with ReferenciaCliente), polls the
// first until Completada, downloads its first package through RecuperarLinkDescarga and checks the
// SHA-256, lists the two solicitudes one per page, then registers a malformed RFC and reads the Fault's
// Codigo and Campo. One line per step; exit status 1 on any failure.

using System;
using System.Net;
using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.ServiceModel;
using System.ServiceModel.Description;
using System.Text;
using System.Threading;
using descargamasiva.v2;

/// <summary>The Fault detail of the WSDL (tns:Falla), members in the schema's order.</summary>
[DataContract(Name = "Falla", Namespace = "urn:descarga-masiva:v2")]
public class Falla
{
    [DataMember(Order = 0)] public string Codigo;
    [DataMember(Order = 1)] public string Mensaje;
    [DataMember(Order = 2)] public string MensajeEn;
    [DataMember(Order = 3)] public string Campo;
    [DataMember(Order = 4)] public string IdPeticion;
}

public static class DescargaMasivaStory
{
    static DescargaMasivaPortTypeClient client;
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
            var binding = new BasicHttpBinding(BasicHttpSecurityMode.TransportCredentialOnly);
            binding.Security.Transport.ClientCredentialType = HttpClientCredentialType.Basic;
            client = new DescargaMasivaPortTypeClient(binding, new EndpointAddress(args[0] + "/soap/v2/DescargaMasiva"));
            client.ClientCredentials.UserName.UserName = args[1];
            client.ClientCredentials.UserName.Password = args[2];
            foreach (OperationDescription operation in client.Endpoint.Contract.Operations)
            {
                operation.Faults.Add(new FaultDescription("urn:descarga-masiva:v2/" + operation.Name + "/Falla")
                {
                    DetailType = typeof(Falla),
                    Name = "Falla",
                    Namespace = "urn:descarga-masiva:v2",
                });
            }
            rfc = args[3];
            Run(DateTime.ParseExact(args[4], "yyyy-MM-dd", null));
            Console.WriteLine("story complete");
            return 0;
        }
        catch (FaultException<Falla> e)
        {
            Console.WriteLine("FAILED: Falla " + e.Detail.Codigo + " " + e.Detail.MensajeEn);
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
        string referencia = "wcf-v2-" + Day(firstDay);
        string first = Register(rfc, firstDay, referencia + "-a");
        string second = Register(rfc, firstDay.AddDays(5), referencia + "-b");

        DetalleSolicitud solicitud = null;
        for (int poll = 1; poll <= 240; poll++)
        {
            solicitud = client.RecuperarSolicitud(new RecuperarSolicitudPeticion { IdSolicitud = first }).Solicitud;
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
        RecuperarLinkDescargaResultado link = client.RecuperarLinkDescarga(new RecuperarLinkDescargaPeticion
        {
            IdSolicitud = first,
            IdPaquete = paquete.IdPaquete,
            VigenciaSegundos = 300,
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
            RecuperarListaSolicitudesResultado lista = client.RecuperarListaSolicitudes(new RecuperarListaSolicitudesPeticion
            {
                Filtro = new FiltroSolicitudes
                {
                    Rfc = rfc,
                    TipoSolicitud = TipoSolicitudFiltro.CFDI,
                    PeriodoDesde = Day(firstDay.AddDays(1)) + "T00:00:00",
                    PeriodoHasta = Day(firstDay.AddDays(8)) + "T00:00:00",
                },
                Orden = new Orden { Campo = CampoOrdenSolicitudes.FechaInicial, Direccion = Direccion.ASC },
                Pagina = page,
                TamanoPagina = 1,
            });
            ListaSolicitudes rows = lista.Solicitudes;
            string id = rows != null && rows.Count == 1 ? rows[0].IdSolicitud : "";
            Console.WriteLine("page " + lista.Pagina + " of " + lista.TotalPaginas + ": " + id);
            if (id != expected[page - 1] || lista.TotalPaginas != 2)
                throw new Exception("page " + page + " should hold " + expected[page - 1]);
        }

        try
        {
            Register("NO-ES-RFC", firstDay, referencia + "-x");
            throw new Exception("a bad RFC was accepted");
        }
        catch (FaultException<Falla> e)
        {
            Console.WriteLine("Falla: Codigo=" + e.Detail.Codigo + " Campo=" + e.Detail.Campo + " IdPeticion=" + e.Detail.IdPeticion);
        }
    }

    static string Register(string rfc, DateTime from, string referencia)
    {
        ResultadoRegistro resultado = client.RegistrarSolicitud(new RegistrarSolicitudPeticion
        {
            Rfc = rfc,
            FechaInicial = Day(from) + "T00:00:00",
            FechaFinal = Day(from.AddDays(4)) + "T23:59:59",
            Contexto = ContextoPedido.Emitidos,
            TipoSolicitud = TipoSolicitudPedida.CFDI,
            ReferenciaCliente = referencia,
        }).Resultados[0];
        Console.WriteLine("registered " + resultado.IdSolicitud + " (" + resultado.Estado + ") ReferenciaCliente=" + referencia);
        if (resultado.Estado != EstadoRegistro.Registrada) throw new Exception(resultado.Mensaje);
        return resultado.IdSolicitud;
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
