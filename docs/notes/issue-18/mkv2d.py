import xml.etree.ElementTree as ET, copy
XS='http://www.w3.org/2001/XMLSchema'; V2='urn:descarga-masiva:v2'
ET.register_namespace('xs',XS); ET.register_namespace('tns',V2)
q=lambda n:'{%s}%s'%(XS,n)
root=ET.fromstring(open('DescargaMasivaV2.xsd',encoding='utf-8').read())
top=list(root); newtypes=[]
def name_anon(parent_name, container):
    # container: complexType (named) or element; recurse over child elements with inline types
    for el in container.iter(q('element')):
        if el is container: continue
        for kind in ('complexType','simpleType'):
            t=el.find(q(kind))
            if t is not None and t.get('name') is None:
                nm=parent_name+el.get('name')
                el.remove(t); t.set('name',nm); el.set('type','tns:'+nm)
                newtypes.append(t); name_anon(nm,t)
# 1) collections for bounded repeats
made=set()
def make_list(el, outer, inner):
    if outer in made:
        el.set('name',outer); el.set('type','tns:Lista'+outer); el.attrib.pop('maxOccurs',None); return
    made.add(outer)
    t=ET.Element(q('complexType'),{'name':'Lista'+outer}); s=ET.SubElement(t,q('sequence'))
    ET.SubElement(s,q('element'),{'name':inner,'type':el.get('type'),'minOccurs':'0','maxOccurs':'unbounded'})
    newtypes.append(t); el.set('name',outer); el.set('type','tns:Lista'+outer); el.attrib.pop('maxOccurs',None)
for ct in root.iter(q('complexType')):
    for el in ct.iter(q('element')):
        mo=el.get('maxOccurs')
        if mo and mo not in ('1','unbounded'):
            if el.get('name')=='RfcContraparte': make_list(el,'RfcContraparte','Rfc')
            elif el.get('name')=='Estado': make_list(el,'Estados','Estado')
# 2) name anonymous types inside named types and inside top-level wrapper children
for t in top:
    if t.tag==q('complexType') and t.get('name'): name_anon(t.get('name'),t)
for t in newtypes: root.append(t)
out=ET.tostring(root,encoding='unicode')
if 'xmlns:tns' not in out.split('>')[0]: out=out.replace('<xs:schema ','<xs:schema xmlns:tns="%s" '%V2,1)
open('DescargaMasivaV2d.xsd','w',encoding='utf-8').write('<?xml version="1.0" encoding="UTF-8"?>\n'+out)
