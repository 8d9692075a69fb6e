# frozen_string_literal: true

# The whole descarga-masiva story from Ruby with the standard library only (Debian: ruby; REXML comes
# with Ruby 3.1 as a bundled gem): Net::HTTP, SOAP 1.2 envelopes written from hashes, a WS-Security
# UsernameToken (PasswordText with a Created timestamp) and REXML with XPath to read the answers.
#
# Registers a solicitud, waits until it is Completada, downloads its first package through a link and
# checks its SHA-256, lists solicitudes with a filter, an order and a page size, searches the CFDI index
# and fetches one XML. Prints a JSON summary on the last line.
#
#   ruby descarga_masiva.rb http://127.0.0.1:8080 demo demo 2026-09-01 2026-09-10
#
# Savon (gem install savon) reads the same WSDL; this example keeps to what a bare Ruby has.

require 'base64'
require 'digest'
require 'json'
require 'net/http'
require 'rexml/document'
require 'time'
require 'uri'

SOAP12 = 'http://www.w3.org/2003/05/soap-envelope'
DM = 'urn:descarga-masiva:v1'
WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd'
WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd'
PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText'
NAMESPACES = { 's' => SOAP12, 'dm' => DM }.freeze
RFC = 'EKU9003173C9'
FINAL_STATES = %w[Completada SinDatos Rechazada Error Vencida].freeze

# A SOAP Fault from the service, with its stable code (DM-xxxx).
class Falla < StandardError
  attr_reader :codigo

  def initialize(operation, codigo, mensaje)
    @codigo = codigo
    super("#{operation}: #{codigo} #{mensaje}")
  end
end

# SOAP 1.2 calls to /soap/DescargaMasiva.
class DescargaMasivaClient
  def initialize(base, user, password)
    @endpoint = URI("#{base}/soap/DescargaMasiva")
    @user = user
    @password = password
  end

  # Sends one operation whose body is built from a Hash (keys in order; an Array value repeats the
  # element) and returns the <Operation>Response element.
  def call(operation, fields)
    request = Net::HTTP::Post.new(@endpoint)
    # SOAP 1.2 carries the action in the Content-Type; there is no SOAPAction header.
    request['Content-Type'] = %(application/soap+xml; charset=utf-8; action="#{DM}/#{operation}")
    request.body = envelope(xml_of(operation => fields))
    response = Net::HTTP.start(@endpoint.host, @endpoint.port, use_ssl: @endpoint.scheme == 'https',
                                                               read_timeout: 60) do |http|
      http.request(request)
    end
    document = parse(response.body)
    fault = REXML::XPath.first(document, '/s:Envelope/s:Body/s:Fault', NAMESPACES)
    if fault
      raise Falla.new(operation, text(fault, 's:Detail/dm:Falla/dm:Codigo'),
                      text(fault, 's:Detail/dm:Falla/dm:Mensaje'))
    end

    REXML::XPath.first(document, "/s:Envelope/s:Body/dm:#{operation}Response", NAMESPACES) or
      raise "#{operation}: no #{operation}Response (HTTP #{response.code})"
  end

  private

  def envelope(body)
    created = Time.now.utc.iso8601(3)
    <<~XML
      <?xml version="1.0" encoding="UTF-8"?>
      <s:Envelope xmlns:s="#{SOAP12}" xmlns:dm="#{DM}">
        <s:Header>
          <wsse:Security xmlns:wsse="#{WSSE}" xmlns:wsu="#{WSU}" s:mustUnderstand="true">
            <wsse:UsernameToken>
              <wsse:Username>#{escape(@user)}</wsse:Username>
              <wsse:Password Type="#{PASSWORD_TEXT}">#{escape(@password)}</wsse:Password>
              <wsu:Created>#{created}</wsu:Created>
            </wsse:UsernameToken>
          </wsse:Security>
        </s:Header>
        <s:Body>#{body}</s:Body>
      </s:Envelope>
    XML
  end

  def xml_of(fields)
    fields.map do |name, value|
      case value
      when Hash then "<dm:#{name}>#{xml_of(value)}</dm:#{name}>"
      when Array then value.map { |item| xml_of(name => item) }.join
      else "<dm:#{name}>#{escape(value.to_s)}</dm:#{name}>"
      end
    end.join
  end

  def escape(text)
    text.gsub('&', '&amp;').gsub('<', '&lt;').gsub('>', '&gt;')
  end

  # REXML never fetches external entities; a DOCTYPE has no business in a SOAP answer, so none is read.
  def parse(body)
    raise 'refusing an answer with a DOCTYPE' if body.include?('<!DOCTYPE')

    REXML::Document.new(body)
  end
end

def text(node, path)
  REXML::XPath.first(node, path, NAMESPACES)&.text.to_s.strip
end

def texts(node, path)
  REXML::XPath.match(node, path, NAMESPACES).map { |element| element.text.to_s.strip }
end

def main
  base, user, password, first_day, last_day = ARGV
  abort 'usage: ruby descarga_masiva.rb <base-url> <user> <password> <from yyyy-MM-dd> <to yyyy-MM-dd>' unless last_day
  client = DescargaMasivaClient.new(base, user, password)

  registered = client.call('RegistrarSolicitud', {
                             'Rfc' => RFC,
                             'FechaInicial' => "#{first_day}T00:00:00",
                             'FechaFinal' => "#{last_day}T23:59:59",
                             'Contexto' => 'Emitidos',
                             'TipoSolicitud' => 'CFDI',
                             'ReferenciaCliente' => "ruby-#{first_day}"
                           })
  id_solicitud = text(registered, 'dm:Resultados/dm:Resultado[1]/dm:IdSolicitud')
  raise "not registered: #{text(registered, 'dm:Resultados/dm:Resultado[1]/dm:Estado')}" if id_solicitud.empty?

  deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + 90
  solicitud = estado = nil
  loop do
    solicitud = client.call('RecuperarSolicitud', { 'IdSolicitud' => id_solicitud })
    estado = text(solicitud, 'dm:Solicitud/dm:Estado')
    break if FINAL_STATES.include?(estado)
    raise "solicitud #{id_solicitud} still #{estado}" if Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline

    sleep 0.5
  end
  paquetes = REXML::XPath.match(solicitud, 'dm:Solicitud/dm:Paquetes/dm:Paquete', NAMESPACES)
  id_paquete = text(paquetes.first, 'dm:IdPaquete')
  sha256 = text(paquetes.first, 'dm:Sha256')

  link = client.call('RecuperarLinkDescarga', {
                       'IdSolicitud' => id_solicitud, 'IdPaquete' => id_paquete, 'VigenciaSegundos' => 300
                     })
  # The link is signed: a plain GET, no credentials.
  zip = Net::HTTP.get_response(URI(text(link, 'dm:Url')))
  raise "download answered HTTP #{zip.code}" unless zip.is_a?(Net::HTTPOK)

  sha256_ok = Digest::SHA256.hexdigest(zip.body) == sha256 && sha256 == text(link, 'dm:Sha256')

  listed = client.call('RecuperarListaSolicitudes', {
                         'Filtro' => { 'Rfc' => RFC, 'Estado' => ['Completada'] },
                         'Orden' => { 'Campo' => 'FechaRegistro', 'Direccion' => 'DESC' },
                         'Pagina' => 1,
                         'TamanoPagina' => 2
                       })

  found = client.call('ConsultarCfdi', {
                        'Filtro' => {
                          'RfcEmisor' => RFC,
                          'FechaDesde' => "#{first_day}T00:00:00",
                          'FechaHasta' => "#{last_day}T23:59:59"
                        },
                        'Orden' => { 'Campo' => 'FechaEmision', 'Direccion' => 'ASC' },
                        'TamanoPagina' => 100
                      })
  uuid = text(found, 'dm:Cfdis/dm:Cfdi[1]/dm:Uuid')
  cfdi = client.call('RecuperarCfdi', { 'Uuid' => uuid })
  xml = Base64.decode64(text(cfdi, 'dm:Xml')).force_encoding(Encoding::UTF_8)

  puts JSON.generate(
    idSolicitud: id_solicitud,
    estado: estado,
    paquetes: paquetes.size,
    sha256Ok: sha256_ok,
    listTotal: Integer(text(listed, 'dm:Total')),
    listed: texts(listed, 'dm:Solicitudes/dm:Solicitud/dm:IdSolicitud'),
    cfdiTotal: Integer(text(found, 'dm:Total')),
    uuid: uuid,
    xmlHasUuid: xml.upcase.include?(uuid.upcase)
  )
end

main
