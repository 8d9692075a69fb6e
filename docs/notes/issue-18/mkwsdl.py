import re
base=open('DescargaMasiva.wsdl',encoding='utf-8').read()
ADDR='http://127.0.0.1:18080/soap/DescargaMasiva'
def variant(ns='v1', jaxws=False, soap12='full', xsd=None, addr=ADDR):
    s=base.replace('localhost:8080/soap/DescargaMasiva', addr.split('//')[1])
    if ns=='v2':
        s=s.replace('urn:descarga-masiva:v1','urn:descarga-masiva:v2')
        s=s.replace('schemaLocation="DescargaMasiva.xsd"','schemaLocation="%s"'%(xsd or 'DescargaMasivaV2.xsd'))
    head,b12=s.split('<wsdl:binding name="DescargaMasivaSoap12"',1)
    b12,tail=b12.split('</wsdl:binding>',1)
    b12='<wsdl:binding name="DescargaMasivaSoap12"'+b12+'</wsdl:binding>'
    if soap12=='nofault':
        b12=re.sub(r'\n\s*<wsdl:fault name="Falla"><soap12:fault[^>]*/></wsdl:fault>','',b12)
    if soap12 in ('none','only'):
        port12=re.search(r'\n\s*<wsdl:port name="DescargaMasivaSoap12".*?</wsdl:port>',tail,re.S).group(0)
    if soap12=='none':
        b12=''; tail=tail.replace(port12,'')
    s=head+b12+tail
    if soap12=='only':
        h,b11=s.split('<wsdl:binding name="DescargaMasivaSoap11"',1)
        b11,t=b11.split('</wsdl:binding>',1)
        s=h+t.lstrip()
        port11=re.search(r'\n\s*<wsdl:port name="DescargaMasivaSoap11".*?</wsdl:port>',s,re.S).group(0)
        s=s.replace(port11,'')
    if jaxws:
        s=s.replace('<wsdl:types>','<jaxws:bindings xmlns:jaxws="http://java.sun.com/xml/ns/jaxws">\n    <jaxws:enableWrapperStyle>false</jaxws:enableWrapperStyle>\n  </jaxws:bindings>\n  <wsdl:types>',1)
    return s
V={
 'v1-orig':dict(),
 'v1-jaxws':dict(jaxws=True),
 'v1-nofault12':dict(soap12='nofault'),
 'v1-jaxws-nofault12':dict(jaxws=True,soap12='nofault'),
 'v1-soap11only':dict(soap12='none'),
 'v1-jaxws-soap11only':dict(jaxws=True,soap12='none'),
 'v1-soap12only':dict(soap12='only'),
 'v2-full':dict(ns='v2'),
 'v2-nofault12':dict(ns='v2',soap12='nofault'),
 'v2-soap11only':dict(ns='v2',soap12='none'),
}
for k,o in V.items():
    open(k+'.wsdl','w',encoding='utf-8').write(variant(**o))
