#!/usr/bin/env python3
"""Generates the Swift schema text for Plinth's Kubernetes protobuf decoder from upstream
k8s.io/api and k8s.io/apimachinery sources (generated.proto for field numbers and types,
types.go for JSON names, omitempty and Go pointer-ness)."""
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

def parse_go(dirpath):
    structs = {}
    for fn in glob.glob(dirpath + '/*.go'):
        if fn.endswith('_test.go') or 'generated' in os.path.basename(fn): continue
        lines = open(fn).read().split('\n')
        cur = None
        for line in lines:
            s = line.strip()
            m = re.match(r'^type (\w+) struct \{$', s)
            if m and not line.startswith('\t'):
                cur = m.group(1); structs[cur] = {}; continue
            if cur is None: continue
            if line.startswith('}'): cur = None; continue
            if s.startswith('//'): continue
            m = re.match(r'^(?:(\w+)\s+)?(\S+)\s+`([^`]*)`', s)
            if not m: continue
            gname, gtype, tag = m.groups()
            pm = re.search(r'protobuf:"(\w+),(\d+),(?:(\w+),)?name=(\w+)', tag)
            if not pm:
                pm2 = re.search(r'protobuf:"(\w+),(\d+)', tag)
                if not pm2: continue
                num = int(pm2.group(2))
            else:
                num = int(pm.group(2))
            jm = re.search(r'json:"([^"]*)"', tag)
            jtag = jm.group(1) if jm else None
            jparts = jtag.split(',') if jtag is not None else [None]
            jname = jparts[0]
            inline = gname is None and (jname == '' or jname is None or 'inline' in jparts)
            if jname is None: jname = gname or gtype.split('.')[-1]
            structs[cur][num] = dict(json=jname, omitempty='omitempty' in jparts or 'omitzero' in jparts,
                                     pointer=gtype.startswith('*'), inline=inline, skip=jname == '-',
                                     gotype=gtype)
    return structs

# Load packages lazily as referenced.
packages = {}  # proto pkg -> (msgs, structs)
def load(pkg):
    if pkg not in packages:
        d = proto_path(pkg)
        p, msgs = parse_proto(d + '/generated.proto')
        assert p == pkg
        packages[pkg] = (msgs, parse_go(d))
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
    msgs, _ = load(pkg)
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
    msgs, structs = load(pkg)
    msg = msgs[name]
    gostruct = structs.get(name)
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
        jn = g['json'] if not g['inline'] else f['name']
        toks.append(f"{f['num']}:{jn}:{code}{flags}")
    head = ('~' if msg['wrapper'] else '') + name
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
            fh.write('// field numbers and types from generated.proto, JSON names and presence from types.go.\n\n')
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
