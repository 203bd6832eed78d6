#!/usr/bin/env python3
"""Generates the Swift schema tables of Plinth's built-in types (the `ProtobufSchema+*.swift`
files; format documented in ProtobufSchema.swift) from upstream k8s.io/api and
k8s.io/apimachinery sources: generated.proto for field numbers and types; types.go for JSON
names, omitempty, Go pointer-ness, inline TypeMeta, the patchStrategy/patchMergeKey struct tags
and the +listType/+listMapKey/+mapType/+structType/+optional/+required comment markers (facts
only: no doc comments are copied). The tables feed the protobuf codec and the OpenAPI v3 schemas.

Usage:
    scripts/generate-protobuf-schema.py [API_DIR [APIMACHINERY_DIR [TEXT_OUT_DIR]]]

    API_DIR           work tree of github.com/kubernetes/api           (default /tmp/k8sapi)
    APIMACHINERY_DIR  work tree of github.com/kubernetes/apimachinery  (default /tmp/k8sam)
    TEXT_OUT_DIR      where one plain <package>.txt per package goes   (default /tmp/pbgen/out)

Environment:
    SWIFT_DIR   if set, (re)writes ProtobufSchema+{Meta,Core,Workloads,Auth,Other}.swift there,
                normally Sources/PlinthAPIMachinery/Protobuf
    API_COMMIT, AM_COMMIT   the checked-out commits, recorded in the Swift file headers

Example, from the repository root, with bare clones (mirrors) of both upstream repositories:
    API_COMMIT=$(git -C <kubernetes/api mirror> rev-parse HEAD)
    AM_COMMIT=$(git -C <kubernetes/apimachinery mirror> rev-parse HEAD)
    mkdir -p /tmp/k8sapi /tmp/k8sam
    git -C <kubernetes/api mirror> archive $API_COMMIT | tar -x -C /tmp/k8sapi
    git -C <kubernetes/apimachinery mirror> archive $AM_COMMIT | tar -x -C /tmp/k8sam
    API_COMMIT=$API_COMMIT AM_COMMIT=$AM_COMMIT SWIFT_DIR=Sources/PlinthAPIMachinery/Protobuf \\
        scripts/generate-protobuf-schema.py /tmp/k8sapi /tmp/k8sam
Then build and run the tests (ProtobufTests, BuiltinOpenAPISchemaTests): the tables feed both.

Warnings on stderr name proto fields without a Go field, Go fields without a protobuf tag and
patch tags that disagree with their comment markers."""
import re, os, sys, glob

API = sys.argv[1] if len(sys.argv) > 1 else '/tmp/k8sapi'
AM = sys.argv[2] if len(sys.argv) > 2 else '/tmp/k8sam'
OUT = sys.argv[3] if len(sys.argv) > 3 else '/tmp/pbgen/out'

ROOT_PKGS = ['core/v1', 'apps/v1', 'batch/v1', 'rbac/v1', 'authentication/v1', 'authorization/v1',
             'autoscaling/v1', 'autoscaling/v2', 'policy/v1', 'networking/v1', 'scheduling/v1', 'coordination/v1',
             'storage/v1', 'node/v1', 'discovery/v1', 'events/v1']

SPECIAL = {  # full proto name -> one-letter type code
    'k8s.io.apimachinery.pkg.apis.meta.v1.Time': 'T',
    'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': 'M',
    'k8s.io.apimachinery.pkg.apis.meta.v1.Duration': 'D',
    'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': 'F',
    'k8s.io.apimachinery.pkg.api.resource.Quantity': 'Q',
    'k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'I',
    'k8s.io.apimachinery.pkg.runtime.RawExtension': 'R',
}
SCALAR = {'string': 's', 'bool': 'b', 'int32': 'i', 'int64': 'l', 'bytes': 'y', 'double': 'd',
          'float': 'f', 'uint32': 'u', 'uint64': 'v'}

def short(pkg):
    # k8s.io.api.core.v1 -> core ; k8s.io.api.scheduling.v1alpha3 -> scheduling_v1alpha3
    if pkg == 'k8s.io.apimachinery.pkg.apis.meta.v1': return 'meta'
    parts = pkg.split('.')
    assert parts[:3] == ['k8s', 'io', 'api'], pkg
    g, v = parts[3], parts[4]
    return g if v == 'v1' else g + '_' + v

def proto_path(pkg):
    if pkg == 'k8s.io.apimachinery.pkg.apis.meta.v1': return f'{AM}/pkg/apis/meta/v1'
    parts = pkg.split('.')
    return f'{API}/{parts[3]}/{parts[4]}'

def parse_proto(path):
    text = open(path).read()
    pkg = re.search(r'^package ([\w.]+);', text, re.M).group(1)
    msgs = {}
    # keep wrapper markers: a "+protobuf.nullable=true" comment right before a message
    for m in re.finditer(r'((?://[^\n]*\n)*)message (\w+) \{(.*?)\n\}', text, re.S):
        comments, name, body = m.group(1), m.group(2), m.group(3)
        body = re.sub(r'//[^\n]*', '', body)
        fields = []
        for f in re.finditer(r'(optional|repeated)?\s*(map<\s*(\w+)\s*,\s*([\w.]+)\s*>|[\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;', body):
            label, typ, mk, mv, fname, num = f.groups()
            fields.append(dict(label=label or 'optional', type=typ, mapkey=mk, mapval=mv, name=fname, num=int(num)))
        msgs[name] = dict(fields=fields, wrapper='+protobuf.nullable=true' in comments)
    return pkg, msgs

MARKER = re.compile(r'^//\s*\+([\w:.-]+)(?:=(.*))?$')

def markers(comments):
    """The `+name=value` markers of a comment block: name -> [values]."""
    out = {}
    for c in comments:
        m = MARKER.match(c)
        if m: out.setdefault(m.group(1), []).append((m.group(2) or '').strip())
    return out

def parse_go(dirpath):
    structs, struct_meta = {}, {}
    for fn in glob.glob(dirpath + '/*.go'):
        if fn.endswith('_test.go') or 'generated' in os.path.basename(fn): continue
        lines = open(fn).read().split('\n')
        cur = None
        comments = []  # the comment block right above the current line
        for line in lines:
            s = line.strip()
            m = re.match(r'^type (\w+) struct \{$', s)
            if m and not line.startswith('\t'):
                cur = m.group(1); structs[cur] = {}
                tm = markers(comments)
                struct_meta[cur] = dict(structType=(tm.get('structType') or [None])[0], typeMeta=False,
                                        untagged=[])
                comments = []; continue
            if s.startswith('//'):
                comments.append(s); continue
            block, comments = comments, []
            if cur is None: continue
            if line.startswith('}'): cur = None; continue
            if re.match(r'^(?:metav1\.)?TypeMeta\s+`json:"(,inline)?"`', s):
                struct_meta[cur]['typeMeta'] = True; continue
            m = re.match(r'^(?:(\w+)\s+)?(\S+)\s+`([^`]*)`', s)
            if not m: continue
            gname, gtype, tag = m.groups()
            pm = re.search(r'protobuf:"(\w+),(\d+),(?:(\w+),)?name=(\w+)', tag)
            if not pm:
                pm2 = re.search(r'protobuf:"(\w+),(\d+)', tag)
                if not pm2:
                    jm = re.search(r'json:"([^",]*)', tag)
                    if jm and jm.group(1) not in ('', '-'): struct_meta[cur]['untagged'].append(jm.group(1))
                    continue
                num = int(pm2.group(2))
            else:
                num = int(pm.group(2))
            jm = re.search(r'json:"([^"]*)"', tag)
            jtag = jm.group(1) if jm else None
            jparts = jtag.split(',') if jtag is not None else [None]
            jname = jparts[0]
            inline = gname is None and (jname == '' or jname is None or 'inline' in jparts)
            if jname is None: jname = gname or gtype.split('.')[-1]
            omitempty = 'omitempty' in jparts or 'omitzero' in jparts
            mk = markers(block)
            optional = 'optional' in mk or 'k8s:optional' in mk
            required = 'required' in mk or 'k8s:required' in mk
            sm = re.search(r'patchStrategy:"([^"]*)"', tag)
            km = re.search(r'patchMergeKey:"([^"]*)"', tag)
            structs[cur][num] = dict(json=jname, omitempty=omitempty,
                                     pointer=gtype.startswith('*'), inline=inline, skip=jname == '-',
                                     gotype=gtype,
                                     # OpenAPI `required`, as kube-openapi decides it
                                     oarequired=required or (not optional and not omitempty),
                                     patchStrategy=sm.group(1) if sm else None,
                                     patchMergeKey=km.group(1) if km else None,
                                     markerStrategy=(mk.get('patchStrategy') or [None])[0],
                                     markerMergeKey=(mk.get('patchMergeKey') or [None])[0],
                                     listType=(mk.get('listType') or [None])[0],
                                     listMapKeys=mk.get('listMapKey', []),
                                     mapType=(mk.get('mapType') or [None])[0],
                                     structType=(mk.get('structType') or [None])[0])
    return structs, struct_meta

# Load packages lazily as referenced.
packages = {}  # proto pkg -> (msgs, structs)
def load(pkg):
    if pkg not in packages:
        d = proto_path(pkg)
        p, msgs = parse_proto(d + '/generated.proto')
        assert p == pkg
        structs, struct_meta = parse_go(d)
        packages[pkg] = (msgs, structs, struct_meta)
    return packages[pkg]

def resolve(typ, pkg):
    """Returns (code, refs) for a proto type name used in package pkg."""
    if typ in SCALAR: return SCALAR[typ], []
    full = typ[1:] if typ.startswith('.') else pkg + '.' + typ
    if full in SPECIAL: return SPECIAL[full], []
    mpkg, mname = full.rsplit('.', 1)
    load(mpkg)
    sp = short(mpkg)
    return '@' + (mname if mpkg == pkg else sp + '.' + mname), [(mpkg, mname)]

out_msgs = {}  # pkg -> {name: line}
queue = []
for rp in ROOT_PKGS:
    pkg = 'k8s.io.api.' + rp.replace('/', '.')
    msgs = load(pkg)[0]
    for n in msgs: queue.append((pkg, n))
meta = 'k8s.io.apimachinery.pkg.apis.meta.v1'
for n in load(meta)[0]:
    if 'k8s.io.apimachinery.pkg.apis.meta.v1.' + n not in SPECIAL: queue.append((meta, n))

warnings = []
seen = set()
while queue:
    pkg, name = queue.pop()
    if (pkg, name) in seen: continue
    seen.add((pkg, name))
    msgs, structs, struct_meta = load(pkg)
    msg = msgs[name]
    gostruct = structs.get(name)
    smeta = struct_meta.get(name) or dict(structType=None, typeMeta=False, untagged=[])
    for u in smeta['untagged']:
        warnings.append(f'no protobuf tag for Go field {pkg}.{name}.{u} (left out)')
    toks = []
    if msg['wrapper']:
        assert len(msg['fields']) == 1 and msg['fields'][0]['label'] == 'repeated', name
    for f in sorted(msg['fields'], key=lambda f: f['num']):
        if f['mapkey']:
            assert f['mapkey'] == 'string', (name, f)
            vc, refs = resolve(f['mapval'], pkg)
            code = '{' + vc
        else:
            code, refs = resolve(f['type'], pkg)
            if f['label'] == 'repeated': code = '[' + code
        for r in refs: queue.append(r)
        g = gostruct.get(f['num']) if gostruct else None
        if g is None:
            if gostruct is not None or not msg['wrapper']:
                warnings.append(f'no Go field for {pkg}.{name}.{f["name"]}={f["num"]}')
            g = dict(json=f['name'], omitempty=True, pointer=False, inline=False, skip=False)
        flags = ''
        if g['skip']: flags += '-'
        if g['inline']: flags += '^'
        if g['pointer']: flags += '*'
        if not g['omitempty'] and not g['inline']: flags += '!'
        if g.get('oarequired') and not g['inline'] and not g['skip']: flags += '+'
        strategy, key = g.get('patchStrategy'), g.get('patchMergeKey')
        if (strategy, key) != (g.get('markerStrategy'), g.get('markerMergeKey')):
            warnings.append(f'patch tags {strategy}/{key} differ from markers '
                            f'{g.get("markerStrategy")}/{g.get("markerMergeKey")} on {pkg}.{name}.{f["name"]}')
        parts = strategy.split(',') if strategy else []
        assert set(parts) <= {'merge', 'retainKeys', 'replace'}, (name, strategy)
        assert key is None or 'merge' in parts, (name, f['name'], strategy, key)
        if 'merge' in parts: flags += '%' + (key or '')
        if 'retainKeys' in parts: flags += '&'
        if 'replace' in parts: flags += '#'
        # One type marker per field: listType (+listMapKey) on lists, mapType on maps,
        # structType on message fields. Written last: its value runs to the end of the token.
        marker = None
        if f['label'] == 'repeated' and not f['mapkey'] and g.get('listType'):
            marker = g['listType']
            if marker == 'map':
                assert g['listMapKeys'], (name, f['name'])
                marker += ':' + ','.join(g['listMapKeys'])
        elif f['mapkey'] and g.get('mapType'):
            marker = g['mapType']
        elif g.get('structType'):
            marker = g['structType']
        if marker:
            assert re.fullmatch(r'[\w:,]+', marker), marker
            flags += '=' + marker
        jn = g['json'] if not g['inline'] else f['name']
        toks.append(f"{f['num']}:{jn}:{code}{flags}")
    head = ('~' if msg['wrapper'] else '') + name
    if smeta['typeMeta']: head += '^'
    if smeta['structType']: head += '=' + smeta['structType']
    out_msgs.setdefault(short(pkg), {})[name] = ' '.join([head] + toks)

os.makedirs(OUT, exist_ok=True)
for sp, ms in sorted(out_msgs.items()):
    with open(f'{OUT}/{sp}.txt', 'w') as fh:
        for n in sorted(ms): fh.write(ms[n] + '\n')
for w in warnings: print('warning:', w, file=sys.stderr)
print({k: len(v) for k, v in out_msgs.items()})

# ---- Swift emission ----
API_COMMIT = os.environ.get('API_COMMIT', '?')
AM_COMMIT = os.environ.get('AM_COMMIT', '?')
SWIFT_DIR = os.environ.get('SWIFT_DIR')
GROUPS = [
    ('Meta', ['meta']),
    ('Core', ['core']),
    ('Workloads', ['apps', 'batch', 'autoscaling', 'autoscaling_v2', 'policy', 'scheduling_v1alpha3']),
    ('Auth', ['rbac', 'authentication', 'authorization']),
    ('Other', ['networking', 'scheduling', 'coordination', 'storage', 'node', 'discovery', 'events']),
]
def varname(sp):
    a, _, b = sp.partition('_')
    return a + (b[:1].upper() + b[1:] if b else '') + 'Text'
def wrap(line, width=100):
    toks = line.split(' ')
    lines, cur = [], toks[0]
    for t in toks[1:]:
        if len(cur) + 1 + len(t) > width:
            lines.append(cur); cur = '    ' + t
        else:
            cur += ' ' + t
    lines.append(cur)
    return lines
if SWIFT_DIR:
    for gname, pkgs in GROUPS:
        assert all(p in out_msgs for p in pkgs), pkgs
        with open(f'{SWIFT_DIR}/ProtobufSchema+{gname}.swift', 'w') as fh:
            fh.write('// Protobuf schema tables (format: see ProtobufSchema.swift), generated from\n')
            fh.write(f'// kubernetes/api@{API_COMMIT[:12]} and kubernetes/apimachinery@{AM_COMMIT[:12]}:\n')
            fh.write('// field numbers and types from generated.proto; JSON names, presence, patch tags and\n')
            fh.write('// list/map/struct markers from types.go.\n\n')
            fh.write('extension ProtobufSchema {\n')
            for i, sp in enumerate(pkgs):
                if i: fh.write('\n')
                fh.write(f'    static let {varname(sp)} = """\n')
                for n in sorted(out_msgs[sp]):
                    for l in wrap(out_msgs[sp][n]):
                        fh.write('        ' + l + '\n')
                fh.write('        """\n')
            fh.write('}\n')
    done = {p for _, ps in GROUPS for p in ps}
    assert done == set(out_msgs), set(out_msgs) - done
