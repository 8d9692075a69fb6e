// The whole descarga-masiva story from C# with nothing but the base class library: HttpClient for the
// calls, LINQ to XML (XDocument/XElement) to write the SOAP 1.2 envelopes and read the answers, and
// HTTP Basic authentication.
//
// Registers a solicitud, waits until it is Completada, downloads its first package through a link and
// checks its SHA-256, lists solicitudes with a filter, an order and a page size, searches the CFDI index
// and fetches one XML. Prints a JSON summary on the last line.
//
//   .NET 10:  dotnet run DescargaMasiva.cs http://127.0.0.1:8080 demo demo 2026-11-01 2026-11-10
//   .NET 8:   dotnet new console, replace Program.cs with this file, dotnet run -- <same arguments>
//   Mono:     mcs -r:System.Net.Http.dll -r:System.Xml.Linq.dll DescargaMasiva.cs
//             mono DescargaMasiva.exe http://127.0.0.1:8080 demo demo 2026-11-01 2026-11-10
//
// With a generated WCF client instead: `dotnet tool install --global dotnet-svcutil`, then
// `dotnet-svcutil http://127.0.0.1:8080/soap/v2/DescargaMasiva?wsdl` (contract v2, the shape generators
// read as one request object in, one result out; docs/contract-notes.md) in a project referencing
// System.ServiceModel.Http. It writes a `DescargaMasivaPortTypeClient` with one `...Async` method per
// operation and the XSD's types; choose the SOAP 1.1 port (BasicHttpBinding) and set
// `binding.Security.Mode = BasicHttpSecurityMode.TransportCredentialOnly` with
// `Transport.ClientCredentialType = HttpClientCredentialType.Basic` (or `Transport` over https), then
// `client.ClientCredentials.UserName.UserName` / `.Password`. A Fault arrives as
// `FaultException<Falla>` whose `Detail` holds Codigo, Mensaje, MensajeEn, Campo and IdPeticion.
// docs/examples/generated/wcf/ and .../asmx/ hold whole programs written against generated clients.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Xml;
using System.Xml.Linq;

public static class DescargaMasiva
{
    static readonly XNamespace Soap12 = "http://www.w3.org/2003/05/soap-envelope";
    static readonly XNamespace Dm = "urn:descarga-masiva:v1";
    const string Rfc = "EKU9003173C9";
    static readonly string[] FinalStates = { "Completada", "SinDatos", "Rechazada", "Error", "Vencida" };

    static HttpClient http;
    static string endpoint;

    public static int Main(string[] args)
    {
        if (args.Length != 5)
        {
            Console.Error.WriteLine("usage: DescargaMasiva <base-url> <user> <password> <from yyyy-MM-dd> <to yyyy-MM-dd>");
            return 2;
        }
        try
        {
            Run(args[0], args[1], args[2], args[3], args[4]);
            return 0;
        }
        catch (Exception error)
        {
            Console.Error.WriteLine(error.Message);
            return 1;
        }
    }

    static void Run(string baseUrl, string user, string password, string firstDay, string lastDay)
    {
        endpoint = baseUrl + "/soap/DescargaMasiva";
        http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));

        XElement registered = Call("RegistrarSolicitud",
            E("Rfc", Rfc),
            E("FechaInicial", firstDay + "T00:00:00"),
            E("FechaFinal", lastDay + "T23:59:59"),
            E("Contexto", "Emitidos"),
            E("TipoSolicitud", "CFDI"),
            E("ReferenciaCliente", "csharp-" + firstDay));
        XElement resultado = registered.Element(Dm + "Resultados").Element(Dm + "Resultado");
        string idSolicitud = Text(resultado, "IdSolicitud");
        if (idSolicitud == "")
            throw new InvalidOperationException("not registered: " + Text(resultado, "Estado") + " " + Text(resultado, "Mensaje"));

        DateTime deadline = DateTime.UtcNow.AddSeconds(90);
        XElement solicitud;
        while (true)
        {
            solicitud = Call("RecuperarSolicitud", E("IdSolicitud", idSolicitud)).Element(Dm + "Solicitud");
            if (FinalStates.Contains(Text(solicitud, "Estado"))) break;
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException("solicitud " + idSolicitud + " still " + Text(solicitud, "Estado"));
            Thread.Sleep(500);
        }
        List<XElement> paquetes = solicitud.Element(Dm + "Paquetes").Elements(Dm + "Paquete").ToList();
        XElement paquete = paquetes[0];

        XElement link = Call("RecuperarLinkDescarga",
            E("IdSolicitud", idSolicitud),
            E("IdPaquete", Text(paquete, "IdPaquete")),
            E("VigenciaSegundos", "300"));
        // The link is signed: a plain GET, with no credentials.
        byte[] zip;
        using (var plain = new HttpClient { Timeout = TimeSpan.FromMinutes(5) })
        using (HttpResponseMessage download = plain.GetAsync(Text(link, "Url")).GetAwaiter().GetResult())
        {
            if (!download.IsSuccessStatusCode)
                throw new InvalidOperationException("download answered HTTP " + (int)download.StatusCode);
            zip = download.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        }
        string sha256;
        using (SHA256 hash = SHA256.Create())
        {
            sha256 = BitConverter.ToString(hash.ComputeHash(zip)).Replace("-", "").ToLowerInvariant();
        }
        bool sha256Ok = sha256 == Text(paquete, "Sha256") && sha256 == Text(link, "Sha256");

        XElement listed = Call("RecuperarListaSolicitudes",
            E("Filtro", E("Rfc", Rfc), E("Estado", "Completada")),
            E("Orden", E("Campo", "FechaRegistro"), E("Direccion", "DESC")),
            E("Pagina", "1"),
            E("TamanoPagina", "2"));
        List<string> listedIds = listed.Element(Dm + "Solicitudes").Elements(Dm + "Solicitud")
            .Select(item => Text(item, "IdSolicitud")).ToList();

        XElement found = Call("ConsultarCfdi",
            E("Filtro",
                E("RfcEmisor", Rfc),
                E("FechaDesde", firstDay + "T00:00:00"),
                E("FechaHasta", lastDay + "T23:59:59")),
            E("Orden", E("Campo", "FechaEmision"), E("Direccion", "ASC")),
            E("TamanoPagina", "100"));
        string uuid = Text(found.Element(Dm + "Cfdis").Element(Dm + "Cfdi"), "Uuid");
        XElement cfdi = Call("RecuperarCfdi", E("Uuid", uuid));
        // Convert.FromBase64String skips the line breaks a folded xs:base64Binary may have.
        string xml = Encoding.UTF8.GetString(Convert.FromBase64String(Text(cfdi, "Xml")));

        var story = new StringBuilder("{");
        story.Append("\"idSolicitud\":").Append(Json(idSolicitud));
        story.Append(",\"estado\":").Append(Json(Text(solicitud, "Estado")));
        story.Append(",\"paquetes\":").Append(paquetes.Count);
        story.Append(",\"sha256Ok\":").Append(sha256Ok ? "true" : "false");
        story.Append(",\"listTotal\":").Append(int.Parse(Text(listed, "Total")));
        story.Append(",\"listed\":[").Append(string.Join(",", listedIds.Select(Json))).Append(']');
        story.Append(",\"cfdiTotal\":").Append(int.Parse(Text(found, "Total")));
        story.Append(",\"uuid\":").Append(Json(uuid));
        story.Append(",\"xmlHasUuid\":").Append(xml.ToUpperInvariant().Contains(uuid.ToUpperInvariant()) ? "true" : "false");
        Console.WriteLine(story.Append('}').ToString());
    }

    /// <summary>One SOAP 1.2 call; returns the &lt;Operation&gt;Response element or throws the Fault's Codigo and Mensaje.</summary>
    static XElement Call(string operation, params XElement[] fields)
    {
        var envelope = new XDocument(
            new XElement(Soap12 + "Envelope",
                new XAttribute(XNamespace.Xmlns + "soap", Soap12),
                new XAttribute(XNamespace.Xmlns + "dm", Dm),
                new XElement(Soap12 + "Body", new XElement(Dm + operation, fields))));
        var content = new StringContent(envelope.ToString(SaveOptions.DisableFormatting), Encoding.UTF8, "application/soap+xml");
        // SOAP 1.2 names the operation in the Content-Type's action parameter (there is no SOAPAction header).
        content.Headers.ContentType.Parameters.Add(new NameValueHeaderValue("action", "\"" + Dm.NamespaceName + "/" + operation + "\""));

        XDocument answer;
        int status;
        using (HttpResponseMessage response = http.PostAsync(endpoint, content).GetAwaiter().GetResult())
        {
            status = (int)response.StatusCode;
            answer = Parse(response.Content.ReadAsStreamAsync().GetAwaiter().GetResult());
        }
        XElement body = answer.Root.Element(Soap12 + "Body");
        XElement fault = body == null ? null : body.Element(Soap12 + "Fault");
        if (fault != null)
        {
            XElement falla = fault.Descendants(Dm + "Falla").FirstOrDefault();
            throw new InvalidOperationException(operation + " failed (HTTP " + status + "): " +
                (falla == null ? fault.ToString() : Text(falla, "Codigo") + " " + Text(falla, "Mensaje")));
        }
        XElement result = body == null ? null : body.Element(Dm + (operation + "Response"));
        if (result == null)
            throw new InvalidOperationException(operation + ": no " + operation + "Response (HTTP " + status + ")");
        return result;
    }

    /// <summary>Parses an answer with DTDs prohibited and no resolver: nothing external is ever read (XXE-safe).</summary>
    static XDocument Parse(Stream stream)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using (XmlReader reader = XmlReader.Create(stream, settings))
        {
            return XDocument.Load(reader);
        }
    }

    static XElement E(string name, string text)
    {
        return new XElement(Dm + name, text);
    }

    static XElement E(string name, params XElement[] children)
    {
        return new XElement(Dm + name, children);
    }

    static string Text(XElement parent, string name)
    {
        XElement child = parent == null ? null : parent.Element(Dm + name);
        return child == null ? "" : child.Value.Trim();
    }

    static string Json(string text)
    {
        var json = new StringBuilder("\"");
        foreach (char c in text)
        {
            if (c == '"' || c == '\\') json.Append('\\').Append(c);
            else if (c < ' ') json.Append("\\u").Append(((int)c).ToString("x4"));
            else json.Append(c);
        }
        return json.Append('"').ToString();
    }
}
