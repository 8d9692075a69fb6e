// The whole story through MYSuite's RequestTransaction, written only against the ASMX proxy that mono's
// `wsdl` generates from /mx.com.fact.wsfront/FactWSFront.asmx?wsdl (class FactWSFront). The credentials
// are in-band, as MYSuite defines them: the Requestor GUID (and User) in every call, the RFC in Entity.
//
//     mono MySuiteStory.exe http://127.0.0.1:8080 11111111-2222-3333-4444-555555555555 EKU9003173C9 2026-04-01
//
// Registers two five-day periods from the given day (CFDI emitted), polls the first until Completada,
// downloads its first package through OBTENER_LINK_DESCARGA_DM_SAT and checks the SHA-256, lists the two
// solicitudes one per page, then shows how an error arrives: in-band (Result=false and a Code), as MYSuite
// answers it, never as a SOAP Fault. One line per step; exit status 1 on any failure.

using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Xml;

public static class MySuiteStory
{
    static FactWSFront proxy;
    static string requestor;
    static string rfc;

    public static int Main(string[] args)
    {
        if (args.Length != 4)
        {
            Console.Error.WriteLine("usage: mono MySuiteStory.exe <base-url> <requestor-guid> <rfc> <first-day yyyy-MM-dd>");
            return 2;
        }
        try
        {
            // The proxy carries the address it was generated from; point it at the service to use.
            proxy = new FactWSFront { Url = args[0] + "/mx.com.fact.wsfront/FactWSFront.asmx" };
            requestor = args[1];
            rfc = args[2];
            Run(DateTime.ParseExact(args[3], "yyyy-MM-dd", null));
            Console.WriteLine("story complete");
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine("FAILED: " + e);
            return 1;
        }
    }

    static void Run(DateTime firstDay)
    {
        string referencia = "asmx-mysuite-" + Day(firstDay);
        string first = Register(firstDay, referencia + "-a");
        string second = Register(firstDay.AddDays(5), referencia + "-b");

        XmlElement solicitud = null;
        for (int poll = 1; poll <= 240; poll++)
        {
            solicitud = Call("OBTENER_SOLICITUD_DM_SAT", new Dictionary<string, string> { { "Id", first } });
            string estado = solicitud.GetAttribute("Estado");
            if (estado == "Completada")
            {
                Console.WriteLine("Completada after " + poll + " polls: " + first);
                break;
            }
            if (estado != "Registrada" && estado != "EnProceso" && estado != "Descargando")
                throw new Exception("solicitud ended " + estado);
            Thread.Sleep(500);
        }
        if (solicitud.GetAttribute("Estado") != "Completada") throw new Exception("not Completada in time");

        var paquete = (XmlElement)solicitud.GetElementsByTagName("Paquete")[0];
        XmlElement link = Call("OBTENER_LINK_DESCARGA_DM_SAT", new Dictionary<string, string> {
            { "Id", first }, { "IdPaquete", paquete.GetAttribute("IdPaquete") }, { "Vigencia", "300" } });
        Console.WriteLine("link: " + link.GetAttribute("Url"));
        byte[] zip = new WebClient().DownloadData(link.GetAttribute("Url"));
        string sha256 = Hex(SHA256.Create().ComputeHash(zip));
        if (sha256 != link.GetAttribute("Sha256") || sha256 != paquete.GetAttribute("Sha256"))
            throw new Exception("SHA-256 mismatch: downloaded " + sha256 + ", announced " + link.GetAttribute("Sha256"));
        Console.WriteLine("SHA-256 matched: " + sha256 + " (" + zip.Length + " bytes)");

        // The two CFDI solicitudes of this run (the service adds Metadata ones of its own to size a CFDI
        // request), one per page, oldest period first.
        string filters = "<Filters><Filter Name=\"TipoSolicitud\" Oper=\"=\" Value1=\"CFDI\" Value2=\"\"/>"
            + "<Filter Name=\"FechaInicial\" Oper=\"BETWEEN\" Value1=\"" + Day(firstDay) + " 00:00:00\" Value2=\""
            + Day(firstDay.AddDays(5)) + " 00:00:00\"/></Filters>";
        string[] expected = { first, second };
        for (int page = 1; page <= 2; page++)
        {
            XmlElement list = Call("OBTENER_LISTA_SOLICITUDES_DM_SAT", new Dictionary<string, string> {
                { "Filters", Convert.ToBase64String(Encoding.UTF8.GetBytes(filters)) },
                { "Order", "FechaInicial ASC" }, { "Page", page.ToString() }, { "PageSize", "1" } });
            XmlNodeList rows = list.GetElementsByTagName("Solicitud");
            string id = rows.Count == 1 ? ((XmlElement)rows[0]).GetAttribute("IdSolicitud") : "";
            Console.WriteLine("page " + page + " of " + list.GetAttribute("TotalPages") + ": " + id);
            if (id != expected[page - 1] || list.GetAttribute("TotalPages") != "2")
                throw new Exception("page " + page + " should hold " + expected[page - 1]);
        }

        // A malformed RFC: MYSuite answers in-band, so the generated call returns normally.
        TransactionTag refused = proxy.RequestTransaction(requestor, "REGISTRAR_SOLICITUD_DM_SAT", "MX", "NO-ES-RFC",
            requestor, "erp-asmx", Dictionary(Registration(firstDay, referencia + "-x")), "", "");
        FactResponse response = refused.Response;
        Console.WriteLine("in-band error: Result=" + response.Result.ToString().ToLowerInvariant() + " Code=" + response.Code + " " + response.Hint);
        if (response.Result || response.Code == 0) throw new Exception("a bad RFC was accepted");
    }

    static string Register(DateTime from, string referencia)
    {
        XmlElement solicitudes = Call("REGISTRAR_SOLICITUD_DM_SAT", Registration(from, referencia));
        var row = (XmlElement)solicitudes.GetElementsByTagName("Solicitud")[0];
        Console.WriteLine("registered " + row.GetAttribute("Id") + " (" + row.GetAttribute("Estado") + ") ReferenciaCliente=" + referencia);
        if (row.GetAttribute("Estado") != "Registrada") throw new Exception(row.GetAttribute("Mensaje"));
        return row.GetAttribute("Id");
    }

    static Dictionary<string, string> Registration(DateTime from, string referencia)
    {
        return new Dictionary<string, string> {
            { "FechaInicial", Day(from) + " 00:00:00" },
            { "FechaFinal", Day(from.AddDays(4)) + " 23:59:59" },
            { "Servicio", "CFDIS" },
            { "TipoSolicitud", "CFDI" },
            { "TipoTaxID", "EMISOR" },
            { "ReferenciaCliente", referencia },
        };
    }

    /// <summary>One transaction through the generated proxy; returns the root of ResponseData1 (Base64 XML).</summary>
    static XmlElement Call(string transaction, Dictionary<string, string> parameters)
    {
        TransactionTag answer = proxy.RequestTransaction(requestor, transaction, "MX", rfc, requestor, "erp-asmx",
            Dictionary(parameters), "", "");
        if (!answer.Response.Result)
            throw new Exception(transaction + ": Code=" + answer.Response.Code + " " + answer.Response.Description);
        var document = new XmlDocument { XmlResolver = null };
        document.LoadXml(Encoding.UTF8.GetString(Convert.FromBase64String(answer.ResponseData.ResponseData1)));
        return document.DocumentElement;
    }

    /// <summary>Data1: Base64 of &lt;Dictionary name="Params"&gt;&lt;Entry k="..." v="..."/&gt;...&lt;/Dictionary&gt;.</summary>
    static string Dictionary(Dictionary<string, string> parameters)
    {
        var xml = new StringBuilder("<Dictionary name=\"Params\">");
        foreach (var entry in parameters)
            xml.Append("<Entry k=\"").Append(Escape(entry.Key)).Append("\" v=\"").Append(Escape(entry.Value)).Append("\"/>");
        xml.Append("</Dictionary>");
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(xml.ToString()));
    }

    static string Escape(string text)
    {
        return text.Replace("&", "&amp;").Replace("<", "&lt;").Replace("\"", "&quot;");
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
