import re,sys
src,xsd,dst=sys.argv[1:4]
w=open(src,encoding='utf-8').read(); x=open(xsd,encoding='utf-8').read()
x=re.sub(r'^<\?xml[^>]*>\s*','',x); x=re.sub(r'<!--.*?-->','',x,flags=re.S)
w2=re.sub(r'<xs:schema>\s*<xs:import [^>]*/>\s*</xs:schema>',lambda m:x.strip(),w,flags=re.S)
assert w2!=w
open(dst,'w',encoding='utf-8').write(w2)
