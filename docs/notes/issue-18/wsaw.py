import re,sys
src,dst=sys.argv[1:3]; s=open(src,encoding='utf-8').read()
s=s.replace('<wsdl:definitions ','<wsdl:definitions xmlns:wsaw="http://www.w3.org/2006/05/addressing/wsdl" ',1)
# action per operation from the first binding's soap:operation
acts=dict(re.findall(r'<wsdl:operation name="(\w+)">\s*<soap:operation soapAction="([^"]+)"',s))
def pt(m):
    body=m.group(0)
    for op,a in acts.items():
        body=re.sub(r'(<wsdl:operation name="%s">\s*<wsdl:input )'%op, r'\1wsaw:Action="%s" '%a, body)
    return body
s=re.sub(r'<wsdl:portType.*?</wsdl:portType>',pt,s,flags=re.S)
open(dst,'w',encoding='utf-8').write(s)
print(len(acts))
