/* The ledger walk, compiled: the checks of verify.py's _step for the common
 * entry, with the leaf and Merkle node hashes, in one pass over a batch of
 * rows and without building a Python value per entry.
 *
 * Conservative by design: an entry is taken here only when it is certainly
 * canonical RFC 8785 JSON of the subset below and passes every check the
 * Python walk makes. Anything else (an integer of 16 digits or more,
 * an escaped or astral key, deep nesting, a wrong seq, prev or hash) is left
 * to the Python walk, which decides it and words the problem. So this file
 * may refuse too much, never accept too much.
 *
 * The subset: no whitespace; objects with keys strictly increasing, each
 * key without escapes or characters beyond the BMP (UTF-8 byte order is then
 * UTF-16 code-unit order, JCS's order); strings whose escapes are the ones
 * JCS writes (\" \\ \b \f \n \r \t, \u00xx in lower case for the other
 * controls); integers of at most 15 digits, no -0; other numbers written as
 * ES6 writes their double (ECMA-262 Number::toString); true, false, null.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_Init and kin: OpenSSL's fastest path for small inputs */
#include <openssl/sha.h>

#define MAX_DEPTH 64
#define HASH 32

/* ---- the canonical scanner ---- */

typedef struct {
    const unsigned char *p, *end;
    int depth;
} Scan;

typedef struct { /* the top-level object's fields the walk checks */
    int count, seq, prev, time, kind, data, actor, actor_object;
    const unsigned char *seq_at, *seq_end, *prev_at, *prev_end;
} Top;

static int scan_value(Scan *s);

/* A string at s->p. *plain: it has no escape; *astral: a character beyond the BMP. */
static int scan_string(Scan *s, int *plain, int *astral)
{
    const unsigned char *p = s->p + 1, *end = s->end;
    *plain = 1;
    *astral = 0;
    while (p < end) {
        unsigned char c = *p;
        if (c == '"') {
            s->p = p + 1;
            return 1;
        }
        if (c < 0x20)
            return 0; /* a raw control character: not JSON */
        if (c == '\\') {
            *plain = 0;
            if (end - p < 2)
                return 0;
            switch (p[1]) {
            case '"': case '\\': case 'b': case 'f': case 'n': case 'r': case 't':
                p += 2;
                continue;
            case 'u': {
                unsigned v;
                unsigned char hi, lo;
                if (end - p < 6 || p[2] != '0' || p[3] != '0' || (p[4] != '0' && p[4] != '1'))
                    return 0;
                hi = p[4], lo = p[5];
                if (lo >= '0' && lo <= '9')
                    v = lo - '0';
                else if (lo >= 'a' && lo <= 'f')
                    v = lo - 'a' + 10;
                else
                    return 0; /* upper-case hex is not JCS's */
                v += (hi - '0') * 16;
                if (v == 0x08 || v == 0x09 || v == 0x0a || v == 0x0c || v == 0x0d)
                    return 0; /* JCS writes these with their short escapes */
                p += 6;
                continue;
            }
            default:
                return 0; /* \/ and others: JCS never writes them */
            }
        }
        if (c >= 0xf0)
            *astral = 1;
        p++;
    }
    return 0;
}

/* A double's ES6 writing (ECMA-262 Number::toString, which JCS uses) from
 * its shortest round-trip digits (Python's repr). 0 where it does not fit. */
static int es6_number(double x, char *out, size_t size)
{
    char digits[40], *r, *c;
    int k = 0, n = 0, point = -1, exponent = 0, negative = x < 0, i, w = 0;
    if (x == 0) { /* -0 too: JCS writes 0 */
        out[0] = '0', out[1] = 0;
        return 1;
    }
    r = PyOS_double_to_string(negative ? -x : x, 'r', 0, 0, NULL);
    if (r == NULL) {
        PyErr_Clear();
        return 0;
    }
    for (c = r; *c && *c != 'e'; c++) { /* "123.45" or "1.5e-07": digits, a point, an exponent */
        if (*c == '.')
            point = k;
        else if (k < (int)sizeof digits)
            digits[k++] = *c;
    }
    if (*c == 'e')
        exponent = atoi(c + 1);
    PyMem_Free(r);
    n = (point < 0 ? k : point) + exponent; /* the value is 0.digits times 10**n */
    for (i = 0; i < k && digits[i] == '0'; i++)
        n--;
    memmove(digits, digits + i, k - i);
    k -= i;
    while (k > 0 && digits[k - 1] == '0')
        k--;
    if (k == 0 || k > 17 || size < 32)
        return 0;
#define PUT(ch) (out[w++] = (ch))
    if (negative)
        PUT('-');
    if (k <= n && n <= 21) {
        for (i = 0; i < k; i++) PUT(digits[i]);
        for (i = k; i < n; i++) PUT('0');
    } else if (0 < n && n <= 21) {
        for (i = 0; i < n; i++) PUT(digits[i]);
        PUT('.');
        for (i = n; i < k; i++) PUT(digits[i]);
    } else if (-6 < n && n <= 0) {
        PUT('0'), PUT('.');
        for (i = 0; i < -n; i++) PUT('0');
        for (i = 0; i < k; i++) PUT(digits[i]);
    } else {
        PUT(digits[0]);
        if (k > 1) {
            PUT('.');
            for (i = 1; i < k; i++) PUT(digits[i]);
        }
        w += snprintf(out + w, size - w, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
        return 1;
    }
#undef PUT
    out[w] = 0;
    return 1;
}

/* A number: an integer of at most 15 digits as it stands (below 2**53, so
 * JCS writes it so); any other number when it is its double's ES6 writing.
 * *plain: an integer of at most 15 digits. Integers of 16 digits or more are
 * refused (JCS reads them as doubles; the Python walk reads them so too). */
static int scan_number(Scan *s, int *plain)
{
    const unsigned char *start = s->p, *p = s->p, *end = s->end, *digits;
    char token[40], written[40], *stop;
    double x;
    int fraction = 0;
    if (p < end && *p == '-')
        p++;
    digits = p;
    if (p >= end || *p < '0' || *p > '9')
        return 0;
    if (*p == '0')
        p++;
    else
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    if (p < end && *p >= '0' && *p <= '9')
        return 0; /* a leading zero */
    if (p < end && *p == '.') {
        fraction = 1, p++;
        if (p >= end || *p < '0' || *p > '9')
            return 0;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        fraction = 1, p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || *p < '0' || *p > '9')
            return 0;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    *plain = !fraction;
    if (!fraction) {
        if (p - digits > 15 || (*digits == '0' && digits != start))
            return 0; /* 16 digits or more; -0 */
        s->p = p;
        return 1;
    }
    if (p - start >= (Py_ssize_t)sizeof token)
        return 0;
    memcpy(token, start, p - start);
    token[p - start] = 0;
    x = PyOS_string_to_double(token, &stop, NULL); /* an overflow gives an infinity */
    if (x == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
    if (stop != token + (p - start) || !isfinite(x) || !es6_number(x, written, sizeof written)
        || strcmp(written, token) != 0)
        return 0;
    s->p = p;
    return 1;
}

static int scan_word(Scan *s, const char *word, Py_ssize_t n)
{
    if (s->end - s->p < n || memcmp(s->p, word, n) != 0)
        return 0;
    s->p += n;
    return 1;
}

static void note_field(Top *top, const unsigned char *key, Py_ssize_t n, const unsigned char *at,
                       const unsigned char *end)
{
#define IS(name) (n == (Py_ssize_t)sizeof(name) - 1 && memcmp(key, name, n) == 0)
    top->count++;
    if (IS("seq"))
        top->seq = 1, top->seq_at = at, top->seq_end = end;
    else if (IS("prev"))
        top->prev = 1, top->prev_at = at, top->prev_end = end;
    else if (IS("time"))
        top->time = 1;
    else if (IS("kind"))
        top->kind = 1;
    else if (IS("data"))
        top->data = 1;
    else if (IS("actor"))
        top->actor = 1, top->actor_object = (*at == '{');
#undef IS
}

static int scan_object(Scan *s, Top *top)
{
    const unsigned char *last = NULL;
    Py_ssize_t last_n = 0;
    if (++s->depth > MAX_DEPTH)
        return 0;
    s->p++;
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        s->depth--;
        return 1;
    }
    for (;;) {
        const unsigned char *key, *at;
        Py_ssize_t n;
        int plain, astral, order;
        if (s->p >= s->end || *s->p != '"')
            return 0;
        key = s->p + 1;
        if (!scan_string(s, &plain, &astral) || !plain || astral)
            return 0;
        n = s->p - 1 - key;
        if (last != NULL) {
            order = memcmp(last, key, last_n < n ? last_n : n);
            if (order > 0 || (order == 0 && last_n >= n))
                return 0; /* keys out of order, or repeated */
        }
        last = key, last_n = n;
        if (s->p >= s->end || *s->p != ':')
            return 0;
        at = ++s->p;
        if (!scan_value(s))
            return 0;
        if (top != NULL)
            note_field(top, key, n, at, s->p);
        if (s->p >= s->end)
            return 0;
        if (*s->p == '}') {
            s->p++;
            s->depth--;
            return 1;
        }
        if (*s->p != ',')
            return 0;
        s->p++;
    }
}

static int scan_array(Scan *s)
{
    if (++s->depth > MAX_DEPTH)
        return 0;
    s->p++;
    if (s->p < s->end && *s->p == ']') {
        s->p++;
        s->depth--;
        return 1;
    }
    for (;;) {
        if (!scan_value(s) || s->p >= s->end)
            return 0;
        if (*s->p == ']') {
            s->p++;
            s->depth--;
            return 1;
        }
        if (*s->p != ',')
            return 0;
        s->p++;
    }
}

static int scan_value(Scan *s)
{
    int plain, astral;
    if (s->p >= s->end)
        return 0;
    switch (*s->p) {
    case '{': return scan_object(s, NULL);
    case '[': return scan_array(s);
    case '"': return scan_string(s, &plain, &astral);
    case 't': return scan_word(s, "true", 4);
    case 'f': return scan_word(s, "false", 5);
    case 'n': return scan_word(s, "null", 4);
    default: return scan_number(s, &plain);
    }
}

/* ---- hashing ---- */

static void leaf_hash(const unsigned char *data, Py_ssize_t n, unsigned char out[HASH])
{
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, "\x00", 1);
    SHA256_Update(&c, data, (size_t)n);
    SHA256_Final(out, &c);
}

static void node_hash(const unsigned char left[HASH], const unsigned char right[HASH], unsigned char out[HASH])
{
    unsigned char buffer[1 + 2 * HASH];
    buffer[0] = 0x01;
    memcpy(buffer + 1, left, HASH);
    memcpy(buffer + 1 + HASH, right, HASH);
    SHA256_CTX c; /* not SHA256(): in OpenSSL 3 it fetches the algorithm anew at each call (4x slower) */
    SHA256_Init(&c);
    SHA256_Update(&c, buffer, sizeof buffer);
    SHA256_Final(out, &c);
}

static void to_hex(const unsigned char *bytes, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < HASH; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
}

/* ---- the walker ---- */

typedef struct {
    PyObject_HEAD
    long long size;                /* entries taken so far */
    char prev[2 * HASH];           /* hex leaf hash of the last entry (the genesis prev at first) */
    unsigned char frontier[64][HASH];
    int top;                       /* hashes in the frontier: one per set bit of size */
    unsigned char genesis[HASH];
} Walker;

static void push_leaf(Walker *w, const unsigned char leaf[HASH])
{
    unsigned char node[HASH];
    unsigned long long carry = (unsigned long long)w->size;
    memcpy(node, leaf, HASH);
    while (carry & 1) { /* merge equal-height subtrees, like a binary carry */
        node_hash(w->frontier[--w->top], node, node);
        carry >>= 1;
    }
    memcpy(w->frontier[w->top++], node, HASH);
    if (w->size == 0)
        memcpy(w->genesis, leaf, HASH);
    w->size++;
    to_hex(leaf, w->prev);
}

/* Whether the row (seq, text, stored hash or None) is the next entry and
 * passes every check; if so it is taken. */
static int take(Walker *w, PyObject *row)
{
    PyObject *seq, *text, *stored;
    const char *data;
    Py_ssize_t n;
    long long number;
    int overflow;
    Scan s;
    Top top = {0};
    unsigned char leaf[HASH];

    if (!PyTuple_CheckExact(row) || PyTuple_GET_SIZE(row) != 3)
        return 0;
    seq = PyTuple_GET_ITEM(row, 0), text = PyTuple_GET_ITEM(row, 1), stored = PyTuple_GET_ITEM(row, 2);
    if (!PyLong_CheckExact(seq) || !PyUnicode_CheckExact(text))
        return 0;
    number = PyLong_AsLongLongAndOverflow(seq, &overflow);
    if (overflow || number != w->size + 1)
        return 0;
    data = PyUnicode_AsUTF8AndSize(text, &n);
    if (data == NULL) { /* a lone surrogate */
        PyErr_Clear();
        return 0;
    }
    s.p = (const unsigned char *)data, s.end = s.p + n, s.depth = 0;
    if (n == 0 || *s.p != '{' || !scan_object(&s, &top) || s.p != s.end)
        return 0;
    /* seq, prev, time, kind, data, and nothing else but an actor object */
    if (!(top.seq && top.prev && top.time && top.kind && top.data))
        return 0;
    if (!(top.count == 5 || (top.count == 6 && top.actor && top.actor_object)))
        return 0;
    {
        long long held = 0;
        const unsigned char *p;
        if (*top.seq_at == '-' || *top.seq_at == '0')
            return 0;
        for (p = top.seq_at; p < top.seq_end; p++) {
            if (*p < '0' || *p > '9')
                return 0;
            held = held * 10 + (*p - '0'); /* at most 15 digits: no overflow */
        }
        if (held != number)
            return 0;
    }
    if (top.prev_end - top.prev_at != 2 * HASH + 2 || *top.prev_at != '"'
        || memcmp(top.prev_at + 1, w->prev, 2 * HASH) != 0)
        return 0;
    leaf_hash((const unsigned char *)data, n, leaf);
    if (stored != Py_None) {
        char hex[2 * HASH];
        const char *held;
        Py_ssize_t held_n;
        if (!PyUnicode_CheckExact(stored))
            return 0;
        held = PyUnicode_AsUTF8AndSize(stored, &held_n);
        if (held == NULL) {
            PyErr_Clear();
            return 0;
        }
        to_hex(leaf, hex);
        if (held_n != 2 * HASH || memcmp(held, hex, 2 * HASH) != 0)
            return 0;
    }
    push_leaf(w, leaf);
    return 1;
}

static int Walker_init(Walker *w, PyObject *args, PyObject *kwds)
{
    const char *prev;
    Py_ssize_t n;
    static char *names[] = {"prev", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "s#", names, &prev, &n))
        return -1;
    if (n != 2 * HASH) {
        PyErr_SetString(PyExc_ValueError, "prev: 64 hex digits");
        return -1;
    }
    memcpy(w->prev, prev, 2 * HASH);
    w->size = 0, w->top = 0;
    return 0;
}

PyDoc_STRVAR(feed_doc,
"feed(rows, start, stop) -> index\n\n"
"Take rows[start:] (a list of (seq, text, stored hash or None) tuples) while each\n"
"is the next entry and passes every check; stop after the entry whose seq is stop\n"
"(0: no stop). Returns the index of the first row not taken.");

static PyObject *Walker_feed(Walker *w, PyObject *args)
{
    PyObject *rows;
    Py_ssize_t i, n;
    long long stop;
    if (!PyArg_ParseTuple(args, "O!nL", &PyList_Type, &rows, &i, &stop))
        return NULL;
    n = PyList_GET_SIZE(rows);
    if (i < 0)
        i = 0;
    for (; i < n; i++) {
        if (!take(w, PyList_GET_ITEM(rows, i)))
            break;
        if (w->size == stop) {
            i++;
            break;
        }
    }
    return PyLong_FromSsize_t(i);
}

static PyObject *Walker_accept(Walker *w, PyObject *arg)
{
    char *leaf;
    Py_ssize_t n;
    if (PyBytes_AsStringAndSize(arg, &leaf, &n) < 0)
        return NULL;
    if (n != HASH) {
        PyErr_SetString(PyExc_ValueError, "a leaf hash is 32 bytes");
        return NULL;
    }
    push_leaf(w, (const unsigned char *)leaf);
    Py_RETURN_NONE;
}

static PyObject *Walker_hashes(Walker *w, PyObject *unused)
{
    PyObject *list = PyList_New(w->top);
    if (list == NULL)
        return NULL;
    for (int i = 0; i < w->top; i++) {
        PyObject *h = PyBytes_FromStringAndSize((const char *)w->frontier[i], HASH);
        if (h == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, h);
    }
    return list;
}

static PyObject *Walker_get_size(Walker *w, void *unused) { return PyLong_FromLongLong(w->size); }
static PyObject *Walker_get_prev(Walker *w, void *unused) { return PyUnicode_FromStringAndSize(w->prev, 2 * HASH); }
static PyObject *Walker_get_genesis(Walker *w, void *unused)
{
    if (w->size == 0)
        Py_RETURN_NONE;
    return PyBytes_FromStringAndSize((const char *)w->genesis, HASH);
}

static PyMethodDef Walker_methods[] = {
    {"feed", (PyCFunction)Walker_feed, METH_VARARGS, feed_doc},
    {"accept", (PyCFunction)Walker_accept, METH_O, "accept(leaf): take an entry the Python walk checked."},
    {"hashes", (PyCFunction)Walker_hashes, METH_NOARGS, "The frontier: one subtree root per set bit of size."},
    {NULL}
};

static PyGetSetDef Walker_getset[] = {
    {"size", (getter)Walker_get_size, NULL, "entries taken", NULL},
    {"prev", (getter)Walker_get_prev, NULL, "hex leaf hash of the last entry taken", NULL},
    {"genesis", (getter)Walker_get_genesis, NULL, "leaf hash of entry 1, or None", NULL},
    {NULL}
};

static PyTypeObject WalkerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "senim.ledger._walk.Walker",
    .tp_basicsize = sizeof(Walker),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The ledger walk over rows, from entry 1.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Walker_init,
    .tp_methods = Walker_methods,
    .tp_getset = Walker_getset,
};

static PyObject *canonical(PyObject *module, PyObject *text)
{
    const char *data;
    Py_ssize_t n;
    Scan s;
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "canonical() takes a str");
        return NULL;
    }
    data = PyUnicode_AsUTF8AndSize(text, &n);
    if (data == NULL) {
        PyErr_Clear();
        Py_RETURN_FALSE;
    }
    s.p = (const unsigned char *)data, s.end = s.p + n, s.depth = 0;
    return PyBool_FromLong(scan_value(&s) && s.p == s.end);
}

static PyMethodDef module_methods[] = {
    {"canonical", canonical, METH_O,
     "canonical(text): True when text is canonical RFC 8785 JSON of the subset this walk takes;\n"
     "False may still be canonical (a float, a long integer, an escaped or astral key)."},
    {NULL}
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "senim.ledger._walk", "The ledger walk, compiled (see verify.py).", -1, module_methods,
};

PyMODINIT_FUNC PyInit__walk(void)
{
    PyObject *m;
    if (PyType_Ready(&WalkerType) < 0)
        return NULL;
    m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&WalkerType);
    if (PyModule_AddObject(m, "Walker", (PyObject *)&WalkerType) < 0) {
        Py_DECREF(&WalkerType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
