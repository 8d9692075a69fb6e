import xml.etree.ElementTree as ET, re, sys
XS='http://www.w3.org/2001/XMLSchema'
V1='urn:descarga-masiva:v1'; V2='urn:descarga-masiva:v2'
src=open('DescargaMasiva.xsd',encoding='utf-8').read().replace(V1,V2)
ET.register_namespace('xs',XS); ET.register_namespace('tns',V2)
root=ET.fromstring(src)
q=lambda n:'{%s}%s'%(XS,n)
ops=['RegistrarSolicitud','RecuperarSolicitud','RecuperarLinkDescarga','RecuperarListaSolicitudes','ConsultarCfdi','RecuperarCfdi','ConsultarConciliacion']
children=list(root)
for el in children:
    if el.tag!=q('element'): continue
    name=el.get('name')
    if name in ops: suffix,child='Peticion','Peticion'
    elif name.endswith('Response') and name[:-8] in ops: suffix,child='Resultado','Resultado'; name=name[:-8]
    else: continue
    ct=el.find(q('complexType'))
    el.remove(ct)
    ct.set('name',name+suffix)
    root.insert(list(root).index(el),ct)
    w=ET.SubElement(el,q('complexType')); s=ET.SubElement(w,q('sequence'))
    ET.SubElement(s,q('element'),{'name':child,'type':'tns:'+name+suffix})
out=ET.tostring(root,encoding='unicode')
open('DescargaMasivaV2.xsd','w',encoding='utf-8').write('<?xml version="1.0" encoding="UTF-8"?>\n'+out)
