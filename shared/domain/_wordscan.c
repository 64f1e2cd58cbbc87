/* The description side of offer features in one call: fold, section headers, one automaton
 * pass, the skill rules per part (decision 0092).
 *
 * ``Reader(...)`` takes the tables that ``shared.domain.skills.SkillIndex`` and
 * ``shared.domain.matching.features`` already build (patterns, what each pattern means, the
 * header phrases) and ``Reader.read(text)`` returns, for each part of a description, whether it
 * is nice-to-have text and the skills it names, or None where a rule needs what only the Python
 * reading does (a non-ASCII part around a listed word, an alias mentioned twice): the caller
 * reads that part in Python. The Python reading (shared/domain/skills.py) is the reference;
 * this file follows it rule by rule, and the tests run both over the same inputs.
 *
 * Reading (as ``folded_words``): w[0] = ' ', w[i + 1] = fold(data[i]), w[n + 1] = ' ', where
 * fold lower-cases ASCII letters, turns every non-word ASCII byte into a space, and the Unicode
 * separators (E2 80 xx, C2 xx) into as many spaces as they have bytes.
 *
 * Both automata are Aho-Corasick DFAs built here: a trie over byte classes, failure links by
 * breadth-first order, every missing transition filled from the failure state, and per state
 * the pattern spelled by its path plus a link to the next shorter suffix state with a pattern.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------- */
/* Growable int32 arrays                                                                       */

typedef struct {
    int32_t *v;
    Py_ssize_t n, cap;
} Ints;

static int ints_push(Ints *a, int32_t x) {
    if (a->n == a->cap) {
        Py_ssize_t cap = a->cap ? a->cap * 2 : 64;
        int32_t *v = PyMem_Realloc(a->v, (size_t)cap * sizeof(int32_t));
        if (!v) {
            PyErr_NoMemory();
            return -1;
        }
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = x;
    return 0;
}

static int is_alnum_ascii(uint8_t b) {
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
}

/* ---------------------------------------------------------------------------------------- */
/* Aho-Corasick DFA over byte classes                                                          */

/* Up to this many states the table is 16-bit: the state number in the low 15 bits. */
#define NARROW_STATES 32768
#define NARROW_FLAG 0x8000u

typedef struct {
    uint8_t cls[256];   /* byte -> class (0: in no pattern) */
    uint32_t col[256];  /* 16-bit table: byte -> where its class's column starts */
    int32_t nclasses;
    int32_t nstates;
    uint16_t *next16;   /* up to NARROW_STATES states: classes x states, by class (dfa_finish) */
    int32_t *next;      /* more states: states x classes, by state (dfa_finish) */
    int32_t *out;       /* the pattern whose whole spelling ends at this state, or -1 */
    int32_t *link;      /* the next proper suffix state that has a pattern, or -1 */
    int32_t *len;       /* pattern lengths */
    int32_t npatterns;
    int32_t maxlen;     /* the longest pattern */
} Dfa;

static void dfa_free(Dfa *d) {
    PyMem_Free(d->next);
    PyMem_Free(d->next16);
    PyMem_Free(d->out);
    PyMem_Free(d->link);
    PyMem_Free(d->len);
    memset(d, 0, sizeof(*d));
}

static int32_t *dfa_renumber(Dfa *d, const int32_t *queue, const int32_t *parent);
static int dfa_finish(Dfa *d, const int32_t *perm);

/* Build from a list of bytes patterns; ``lower``: read A-Z as a-z (the header automaton). */
static int dfa_build(Dfa *d, PyObject *patterns, int lower) {
    Py_ssize_t np = PyList_Size(patterns);
    if (np < 0)
        return -1;
    if (np > INT32_MAX / 2) {
        PyErr_SetString(PyExc_ValueError, "too many patterns");
        return -1;
    }
    memset(d, 0, sizeof(*d));
    Py_ssize_t total = 1;
    int used[256] = {0};
    for (Py_ssize_t i = 0; i < np; i++) {
        PyObject *p = PyList_GET_ITEM(patterns, i);
        if (!PyBytes_Check(p) || PyBytes_GET_SIZE(p) == 0) {
            PyErr_SetString(PyExc_TypeError, "patterns must be non-empty bytes");
            return -1;
        }
        const uint8_t *s = (const uint8_t *)PyBytes_AS_STRING(p);
        for (Py_ssize_t j = 0; j < PyBytes_GET_SIZE(p); j++)
            used[s[j]] = 1;
        total += PyBytes_GET_SIZE(p);
    }
    if (total > INT32_MAX / 256) {
        PyErr_SetString(PyExc_ValueError, "patterns too long");
        return -1;
    }
    int32_t nc = 1;
    for (int b = 0; b < 256; b++) {
        if (used[b] && !(lower && b >= 'A' && b <= 'Z'))
            d->cls[b] = (uint8_t)nc++;
    }
    if (lower) {
        for (int b = 'A'; b <= 'Z'; b++)
            d->cls[b] = d->cls[b + 32];
    }
    d->nclasses = nc;
    d->npatterns = (int32_t)np;
    size_t cap = (size_t)total;
    d->next = PyMem_Malloc(cap * (size_t)nc * sizeof(int32_t));
    d->out = PyMem_Malloc(cap * sizeof(int32_t));
    d->link = PyMem_Malloc(cap * sizeof(int32_t));
    d->len = PyMem_Malloc((size_t)(np ? np : 1) * sizeof(int32_t));
    int32_t *fail = PyMem_Malloc(cap * sizeof(int32_t));
    int32_t *queue = PyMem_Malloc(cap * sizeof(int32_t));
    int32_t *parent = PyMem_Malloc(cap * sizeof(int32_t));
    if (!d->next || !d->out || !d->link || !d->len || !fail || !queue || !parent) {
        PyMem_Free(fail);
        PyMem_Free(queue);
        PyMem_Free(parent);
        dfa_free(d);
        PyErr_NoMemory();
        return -1;
    }
    /* the trie: -1 for no child yet */
    memset(d->next, 0xff, cap * (size_t)nc * sizeof(int32_t));
    d->out[0] = -1;
    int32_t ns = 1;
    for (Py_ssize_t i = 0; i < np; i++) {
        PyObject *p = PyList_GET_ITEM(patterns, i);
        const uint8_t *s = (const uint8_t *)PyBytes_AS_STRING(p);
        Py_ssize_t m = PyBytes_GET_SIZE(p);
        int32_t st = 0;
        for (Py_ssize_t j = 0; j < m; j++) {
            int32_t c = d->cls[s[j]];
            int32_t *slot = &d->next[(size_t)st * nc + c];
            if (*slot < 0) {
                *slot = ns;
                d->out[ns] = -1;
                parent[ns] = st;
                ns++;
            }
            st = *slot;
        }
        if (d->out[st] < 0)
            d->out[st] = (int32_t)i; /* a repeated pattern keeps its first number */
        d->len[i] = (int32_t)m;
    }
    d->nstates = ns;
    /* breadth first: failure links, then every missing transition from the failure state */
    Py_ssize_t head = 0, tail = 0;
    fail[0] = 0;
    d->link[0] = -1;
    for (int32_t c = 0; c < nc; c++) {
        int32_t t = d->next[c];
        if (t < 0) {
            d->next[c] = 0;
        } else {
            fail[t] = 0;
            d->link[t] = -1;
            queue[tail++] = t;
        }
    }
    while (head < tail) {
        int32_t s = queue[head++];
        for (int32_t c = 0; c < nc; c++) {
            int32_t *slot = &d->next[(size_t)s * nc + c];
            int32_t f = d->next[(size_t)fail[s] * nc + c];
            if (*slot < 0) {
                *slot = f;
            } else {
                int32_t t = *slot;
                fail[t] = f;
                d->link[t] = d->out[f] >= 0 ? f : d->link[f];
                queue[tail++] = t;
            }
        }
    }
    PyMem_Free(fail);
    int32_t *perm = dfa_renumber(d, queue, parent);
    PyMem_Free(queue);
    PyMem_Free(parent);
    int ok = perm ? dfa_finish(d, perm) : -1;
    PyMem_Free(perm);
    return ok;
}

typedef struct {
    int32_t depth, below, state;
} Place;

static int cmp_place(const void *a, const void *b) {
    const Place *x = a, *y = b;
    if (x->depth != y->depth)
        return x->depth < y->depth ? -1 : 1;
    if (x->below != y->below)
        return x->below > y->below ? -1 : 1; /* the larger subtree first */
    return x->state < y->state ? -1 : x->state > y->state;
}

/* The states' new numbers (the root keeps 0): by depth, and at one depth the one with more
 * states below it first (``queue``: every state but the root, breadth first; ``parent``: each
 * state's trie parent). The states a text walks through most (shallow ones, prefixes shared by
 * many patterns) then sit together, so a scan touches fewer cache lines of the table (decision
 * 0097). ``out`` and ``link`` are renumbered here, the transitions by dfa_finish. Returns the
 * new number of each state, followed by the old number of each new one (2 x nstates). */
static int32_t *dfa_renumber(Dfa *d, const int32_t *queue, const int32_t *parent) {
    int32_t ns = d->nstates;
    int32_t *perm = PyMem_Malloc(2 * (size_t)ns * sizeof(int32_t));
    int32_t *out = PyMem_Malloc((size_t)ns * sizeof(int32_t));
    int32_t *link = PyMem_Malloc((size_t)ns * sizeof(int32_t));
    Place *place = PyMem_Malloc((size_t)ns * sizeof(Place));
    if (!perm || !out || !link || !place) {
        PyMem_Free(perm);
        PyMem_Free(out);
        PyMem_Free(link);
        PyMem_Free(place);
        PyErr_NoMemory();
        return NULL;
    }
    for (int32_t s = 0; s < ns; s++)
        place[s] = (Place){0, 1, s};
    for (int32_t i = 0; i < ns - 1; i++) /* parents come before their children in the queue */
        place[queue[i]].depth = place[parent[queue[i]]].depth + 1;
    for (int32_t i = ns - 2; i >= 0; i--)
        place[parent[queue[i]]].below += place[queue[i]].below;
    qsort(place, (size_t)ns, sizeof(Place), cmp_place);
    for (int32_t i = 0; i < ns; i++)
        perm[place[i].state] = i;
    for (int32_t i = 0; i < ns; i++) {
        int32_t s = perm[ns + i] = place[i].state;
        out[i] = d->out[s];
        link[i] = d->link[s] < 0 ? -1 : perm[d->link[s]];
    }
    PyMem_Free(place);
    PyMem_Free(d->out);
    PyMem_Free(d->link);
    d->out = out;
    d->link = link;
    return perm;
}

/* Each transition carries a flag: the state it leads to ends a pattern or has a suffix that
 * does, so the scan tests one bit per byte. Up to NARROW_STATES states (about 20,000 for the
 * taxonomy) the table is 16-bit, the next state's number with the flag in bit 15, and laid out
 * by class: the entry for (state, byte) is at col[byte] + state, one add and no multiply, and
 * the states near each other in number share cache lines in every column. Beyond, the table
 * is 32-bit, by state: the next state's row offset (state x classes), the flag in the sign
 * bit. */
static int dfa_finish(Dfa *d, const int32_t *perm) {
    int32_t nc = d->nclasses, ns = d->nstates;
    int32_t maxlen = 0;
    for (int32_t p = 0; p < d->npatterns; p++)
        maxlen = d->len[p] > maxlen ? d->len[p] : maxlen;
    d->maxlen = maxlen;
    if (ns <= NARROW_STATES) {
        uint16_t *t = PyMem_Malloc((size_t)ns * (size_t)nc * sizeof(uint16_t));
        if (!t) {
            PyErr_NoMemory();
            return -1;
        }
        for (int32_t i = 0; i < ns; i++) { /* new state i, old state s */
            int32_t s = perm[ns + i];
            for (int32_t c = 0; c < nc; c++) {
                int32_t to = perm[d->next[(size_t)s * nc + c]];
                uint32_t flag = d->out[to] >= 0 || d->link[to] >= 0 ? NARROW_FLAG : 0;
                t[(size_t)c * ns + i] = (uint16_t)((uint32_t)to | flag);
            }
        }
        for (int b = 0; b < 256; b++)
            d->col[b] = (uint32_t)d->cls[b] * (uint32_t)ns;
        PyMem_Free(d->next);
        d->next = NULL;
        d->next16 = t;
        return 0;
    }
    if ((int64_t)ns * nc >= INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "automaton too large");
        return -1;
    }
    int32_t *next = PyMem_Malloc((size_t)ns * (size_t)nc * sizeof(int32_t));
    if (!next) {
        PyErr_NoMemory();
        return -1;
    }
    for (int32_t i = 0; i < ns; i++) {
        int32_t s = perm[ns + i];
        for (int32_t c = 0; c < nc; c++) {
            int32_t to = perm[d->next[(size_t)s * nc + c]];
            uint32_t v = (uint32_t)to * (uint32_t)nc;
            if (d->out[to] >= 0 || d->link[to] >= 0)
                v |= 0x80000000u;
            next[(size_t)i * nc + c] = (int32_t)v;
        }
    }
    PyMem_Free(d->next);
    d->next = next;
    return 0;
}

static int dfa_emit(const Dfa *d, int32_t st, Py_ssize_t end, Ints *hits) {
    int32_t o = d->out[st] >= 0 ? st : d->link[st];
    while (o >= 0) {
        int32_t p = d->out[o];
        if (ints_push(hits, p) || ints_push(hits, (int32_t)(end - d->len[p])) || ints_push(hits, (int32_t)end))
            return -1;
        o = d->link[o];
    }
    return 0;
}

#define CHAINS 4

/* dfa_scan over the 16-bit table (the same walk, the entry of (state, byte) at col[byte] + state). */
/* The CHAINS stretches of s[0:n] the scans walk in lockstep: [from_k, to_k), each walked from
 * start_k (maxlen - 1 bytes early, so a match ending inside it is seen whole); returns how many
 * bytes all of them have (the lockstep part). */
static Py_ssize_t stretches(const Dfa *d, Py_ssize_t n, Py_ssize_t from[CHAINS], Py_ssize_t start[CHAINS],
                            Py_ssize_t to[CHAINS], Ints chain_hits[CHAINS]) {
    Py_ssize_t common = n;
    for (int k = 0; k < CHAINS; k++) {
        from[k] = n * k / CHAINS;
        start[k] = k && from[k] > d->maxlen - 1 ? from[k] - (d->maxlen - 1) : 0;
        to[k] = n * (k + 1) / CHAINS;
        chain_hits[k].n = 0;
        if (to[k] - start[k] < common)
            common = to[k] - start[k];
    }
    return common;
}

static int dfa_scan16(const Dfa *d, const uint8_t *s, Py_ssize_t n, Ints *hits, Ints chain_hits[CHAINS]) {
    const uint16_t *next = d->next16;
    const uint32_t *col = d->col;
    if (n < 64 * CHAINS) {
        uint32_t st = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            uint32_t v = next[st + col[s[i]]];
            st = v & 0x7fffu;
            if ((v & NARROW_FLAG) && dfa_emit(d, (int32_t)st, i + 1, hits))
                return -1;
        }
        return 0;
    }
    Py_ssize_t from[CHAINS], start[CHAINS], to[CHAINS];
    Py_ssize_t common = stretches(d, n, from, start, to, chain_hits);
    const uint8_t *s0 = s + start[0], *s1 = s + start[1], *s2 = s + start[2], *s3 = s + start[3];
    uint32_t st0 = 0, st1 = 0, st2 = 0, st3 = 0;
    for (Py_ssize_t j = 0; j < common; j++) {
        uint32_t v0 = next[st0 + col[s0[j]]], v1 = next[st1 + col[s1[j]]];
        uint32_t v2 = next[st2 + col[s2[j]]], v3 = next[st3 + col[s3[j]]];
        st0 = v0 & 0x7fffu;
        st1 = v1 & 0x7fffu;
        st2 = v2 & 0x7fffu;
        st3 = v3 & 0x7fffu;
        if ((v0 | v1 | v2 | v3) & NARROW_FLAG) { /* a state with a pattern: rare */
            uint32_t sts[CHAINS] = {st0, st1, st2, st3};
            uint32_t vs[CHAINS] = {v0, v1, v2, v3};
            for (int k = 0; k < CHAINS; k++) {
                Py_ssize_t end = start[k] + j + 1;
                if ((vs[k] & NARROW_FLAG) && end > from[k] && dfa_emit(d, (int32_t)sts[k], end, &chain_hits[k]))
                    return -1;
            }
        }
    }
    uint32_t sts[CHAINS] = {st0, st1, st2, st3};
    for (int k = 0; k < CHAINS; k++) {
        uint32_t st = sts[k];
        for (Py_ssize_t i = start[k] + common; i < to[k]; i++) {
            uint32_t v = next[st + col[s[i]]];
            st = v & 0x7fffu;
            if ((v & NARROW_FLAG) && i + 1 > from[k] && dfa_emit(d, (int32_t)st, i + 1, &chain_hits[k]))
                return -1;
        }
        for (Py_ssize_t x = 0; x < chain_hits[k].n; x++) {
            if (ints_push(hits, chain_hits[k].v[x]))
                return -1;
        }
    }
    return 0;
}

/* Every occurrence of every pattern in s[0:n] (overlapping): (pattern, start, end) triples,
 * by end. The text is cut in CHAINS stretches walked in lockstep (independent loads overlap);
 * each stretch but the first starts maxlen - 1 bytes early and reports only the matches that
 * end inside it, so every match is reported once, by the stretch it ends in. */
static int dfa_scan(const Dfa *d, const uint8_t *s, Py_ssize_t n, Ints *hits, Ints chain_hits[CHAINS]) {
    if (d->next16)
        return dfa_scan16(d, s, n, hits, chain_hits);
    const int32_t *next = d->next;
    const uint8_t *cls = d->cls;
    const uint32_t nc = (uint32_t)d->nclasses;
    if (n < 64 * CHAINS) {
        uint32_t st = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            int32_t v = next[st + cls[s[i]]];
            st = (uint32_t)v & 0x7fffffffu;
            if (v < 0 && dfa_emit(d, (int32_t)(st / nc), i + 1, hits))
                return -1;
        }
        return 0;
    }
    Py_ssize_t from[CHAINS], start[CHAINS], to[CHAINS];
    Py_ssize_t common = stretches(d, n, from, start, to, chain_hits);
    const uint8_t *s0 = s + start[0], *s1 = s + start[1], *s2 = s + start[2], *s3 = s + start[3];
    uint32_t st0 = 0, st1 = 0, st2 = 0, st3 = 0;
    for (Py_ssize_t j = 0; j < common; j++) {
        int32_t v0 = next[st0 + cls[s0[j]]], v1 = next[st1 + cls[s1[j]]];
        int32_t v2 = next[st2 + cls[s2[j]]], v3 = next[st3 + cls[s3[j]]];
        st0 = (uint32_t)v0 & 0x7fffffffu;
        st1 = (uint32_t)v1 & 0x7fffffffu;
        st2 = (uint32_t)v2 & 0x7fffffffu;
        st3 = (uint32_t)v3 & 0x7fffffffu;
        if ((v0 | v1 | v2 | v3) < 0) { /* a state with a pattern: rare */
            uint32_t sts[CHAINS] = {st0, st1, st2, st3};
            int32_t vs[CHAINS] = {v0, v1, v2, v3};
            for (int k = 0; k < CHAINS; k++) {
                Py_ssize_t end = start[k] + j + 1;
                if (vs[k] < 0 && end > from[k] && dfa_emit(d, (int32_t)(sts[k] / nc), end, &chain_hits[k]))
                    return -1;
            }
        }
    }
    uint32_t sts[CHAINS] = {st0, st1, st2, st3};
    for (int k = 0; k < CHAINS; k++) {
        uint32_t st = sts[k];
        for (Py_ssize_t i = start[k] + common; i < to[k]; i++) {
            int32_t v = next[st + cls[s[i]]];
            st = (uint32_t)v & 0x7fffffffu;
            if (v < 0 && i + 1 > from[k] && dfa_emit(d, (int32_t)(st / nc), i + 1, &chain_hits[k]))
                return -1;
        }
        for (Py_ssize_t x = 0; x < chain_hits[k].n; x++) {
            if (ints_push(hits, chain_hits[k].v[x]))
                return -1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* The reader                                                                                  */

enum { K_SINGLE = 1, K_EXACT = 2, K_ALIAS = 4, K_AFTER = 8 };

typedef struct {
    PyObject_HEAD
    Dfa skills;          /* the skill patterns, then the header phrases folded (see init) */
    int32_t nice_from;
    int32_t nskill_patterns;
    PyObject *header_phrases;  /* list of the phrases as bytes, lower case */
    int32_t *header_of_off, *header_of_len, *header_of; /* folded header pattern -> phrases */
    uint8_t fold[256], e2[256], c2[256];
    uint8_t list_before[256], list_after[256], ascii_word[256], ascii_space[256];
    PyObject *list_words; /* tuple of lower-case bytes */
    Py_UCS4 *before_chars, *after_chars; /* _LIST_BEFORE and _LIST_AFTER, every character */
    Py_ssize_t nbefore_chars, nafter_chars;
    int32_t npatterns;
    uint8_t *kind;
    int32_t *word_of, *single_of, *alias_of, *after_off, *after_len, *after; /* after: flat */
    int32_t nwords;
    int32_t *word_len, *exact_off, *exact_len;
    /* exact entries: first spelling (a bytes object), skill, needs list, number of words */
    Py_ssize_t nexact;
    PyObject **exact_spelling;
    int32_t *exact_skill, *exact_listed, *exact_nwords;
    int32_t naliases;
    int32_t *alias_skill, *alias_group, *alias_words_off, *alias_nwords, *alias_ids_off, *alias_nids;
    PyObject **alias_word; /* flat: the alias words, bytes */
    Py_ssize_t nalias_word;
    int32_t *alias_word_ids; /* flat: ids of the alias words that are table words */
    int32_t ngroups;
    int32_t *group_off, *group_len, *group_alias;
    PyObject *skills_list; /* tuple of Skill objects, by skill number */
    int32_t nskills;
    /* scratch, reused between calls (the GIL is held throughout a call) */
    uint32_t epoch;
    uint32_t *pid_mark, *alias_mark, *group_mark, *within_mark, *word_mark, *skill_mark;
    Ints hits, header_hits, part_hits, inside, apart, found, tokens;
    Ints chain_hits[CHAINS];
    uint8_t *buf, *dbuf; /* the reading; the UTF-8 of a str that is not ASCII */
    Py_ssize_t buf_cap, dbuf_cap;
    Py_ssize_t parts_read, parts_handed_back;
    /* offer features' skill fields (set_features), by skill number */
    int32_t *tenths;     /* the skill's weight in tenths; -1: a skill offer features do not count */
    int32_t *rank;       /* the skill's place in the order of folded names */
    PyObject *folded, *named, *weights; /* tuples: folded name, (folded, name), weight (a float) */
    PyObject *no_skills; /* the empty frozenset offer features share */
    uint8_t *acc;        /* scratch: 1 required, 2 nice to have; all zero between calls */
    Ints touched;        /* scratch: the skills acc marks */
} Reader;

static int32_t *int_array(PyObject *seq, Py_ssize_t *n_out, const char *what) {
    PyObject *fast = PySequence_Fast(seq, what);
    if (!fast)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    int32_t *v = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(int32_t));
    if (!v) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        long x = PyLong_AsLong(PySequence_Fast_GET_ITEM(fast, i));
        if (x == -1 && PyErr_Occurred()) {
            PyMem_Free(v);
            Py_DECREF(fast);
            return NULL;
        }
        if (x < INT32_MIN || x > INT32_MAX) {
            PyMem_Free(v);
            Py_DECREF(fast);
            PyErr_Format(PyExc_ValueError, "%s: out of range", what);
            return NULL;
        }
        v[i] = (int32_t)x;
    }
    Py_DECREF(fast);
    *n_out = n;
    return v;
}

/* A sequence of int sequences flattened: offsets and lengths per item. */
static int ragged(PyObject *seq, Py_ssize_t expect, int32_t **off, int32_t **len, int32_t **flat,
                  const char *what) {
    PyObject *fast = PySequence_Fast(seq, what);
    if (!fast)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    if (expect >= 0 && n != expect) {
        Py_DECREF(fast);
        PyErr_Format(PyExc_ValueError, "%s: wrong length", what);
        return -1;
    }
    Ints all = {0};
    *off = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(int32_t));
    *len = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(int32_t));
    if (!*off || !*len) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t m = 0;
        int32_t *v = int_array(PySequence_Fast_GET_ITEM(fast, i), &m, what);
        if (!v) {
            PyMem_Free(all.v);
            Py_DECREF(fast);
            return -1;
        }
        (*off)[i] = (int32_t)all.n;
        (*len)[i] = (int32_t)m;
        for (Py_ssize_t j = 0; j < m; j++) {
            if (ints_push(&all, v[j])) {
                PyMem_Free(v);
                PyMem_Free(all.v);
                Py_DECREF(fast);
                return -1;
            }
        }
        PyMem_Free(v);
    }
    Py_DECREF(fast);
    if (!all.v && !(all.v = PyMem_Malloc(sizeof(int32_t)))) {
        PyErr_NoMemory();
        return -1;
    }
    *flat = all.v;
    return 0;
}

static int byte_set(PyObject *b, uint8_t set[256], const char *what) {
    if (!PyBytes_Check(b)) {
        PyErr_Format(PyExc_TypeError, "%s must be bytes", what);
        return -1;
    }
    memset(set, 0, 256);
    const uint8_t *s = (const uint8_t *)PyBytes_AS_STRING(b);
    for (Py_ssize_t i = 0; i < PyBytes_GET_SIZE(b); i++)
        set[s[i]] = 1;
    return 0;
}

static int check_range(const int32_t *v, Py_ssize_t n, int32_t lo, int32_t hi, const char *what) {
    for (Py_ssize_t i = 0; i < n; i++) {
        if (v[i] < lo || v[i] >= hi) {
            PyErr_Format(PyExc_ValueError, "%s: index out of range", what);
            return -1;
        }
    }
    return 0;
}

static void reader_clear_refs(Reader *r) {
    if (r->exact_spelling) {
        for (Py_ssize_t i = 0; i < r->nexact; i++)
            Py_XDECREF(r->exact_spelling[i]);
    }
    if (r->alias_word) {
        for (Py_ssize_t i = 0; i < r->nalias_word; i++)
            Py_XDECREF(r->alias_word[i]);
    }
}

static void reader_dealloc(Reader *r) {
    dfa_free(&r->skills);
    Py_XDECREF(r->header_phrases);
    reader_clear_refs(r);
    Py_XDECREF(r->list_words);
    PyMem_Free(r->before_chars);
    PyMem_Free(r->after_chars);
    Py_XDECREF(r->skills_list);
    void *blocks[] = {r->kind, r->word_of, r->single_of, r->alias_of, r->after_off, r->after_len, r->after,
                      r->word_len, r->exact_off, r->exact_len, r->exact_spelling, r->exact_skill,
                      r->exact_listed, r->exact_nwords, r->alias_skill, r->alias_group, r->alias_words_off,
                      r->alias_nwords, r->alias_ids_off, r->alias_nids, r->alias_word, r->alias_word_ids,
                      r->group_off, r->group_len, r->group_alias, r->header_of_off, r->header_of_len, r->header_of, r->pid_mark, r->alias_mark, r->group_mark,
                      r->within_mark, r->word_mark, r->skill_mark, r->hits.v, r->header_hits.v, r->part_hits.v,
                      r->inside.v, r->apart.v, r->found.v, r->tokens.v, r->buf, r->dbuf,
                      r->tenths, r->rank, r->acc, r->touched.v};
    Py_XDECREF(r->folded);
    Py_XDECREF(r->named);
    Py_XDECREF(r->weights);
    Py_XDECREF(r->no_skills);
    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
        PyMem_Free(blocks[i]);
    for (int k = 0; k < CHAINS; k++)
        PyMem_Free(r->chain_hits[k].v);
    Py_TYPE(r)->tp_free((PyObject *)r);
}

/* One automaton for skills and headers: the header phrases are found in the folded reading
 * (their letters lower-cased, "-" a space), then each such match is checked on the text's own
 * bytes, lower-cased, as ``part_starts`` finds them. That holds because every phrase starts
 * and ends with an ASCII letter or digit and has no byte that starts a Unicode separator (C2,
 * E2): folding the text where a phrase is gives the phrase folded. */
static int add_headers(Reader *r, PyObject *patterns, PyObject *headers) {
    Py_ssize_t nh = PyList_GET_SIZE(headers), np = PyList_GET_SIZE(patterns);
    PyObject *all = PyList_GetSlice(patterns, 0, np);
    PyObject *index = PyDict_New(); /* folded phrase -> its pattern number in ``all`` */
    Ints phrases = {0};
    int ok = -1;
    if (!all || !index)
        goto done;
    r->nskill_patterns = (int32_t)np;
    r->header_phrases = Py_NewRef(headers);
    r->header_of_off = PyMem_Calloc((size_t)(nh ? nh : 1), sizeof(int32_t));
    r->header_of_len = PyMem_Calloc((size_t)(nh ? nh : 1), sizeof(int32_t));
    if (!r->header_of_off || !r->header_of_len) {
        PyErr_NoMemory();
        goto done;
    }
    /* folded pattern k (k = 0, 1, ...) gets the phrases that fold to it */
    Py_ssize_t nfolded = 0;
    int32_t *folded_of = PyMem_Calloc((size_t)(nh ? nh : 1), sizeof(int32_t));
    if (!folded_of) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < nh; i++) {
        PyObject *phrase = PyList_GET_ITEM(headers, i);
        if (!PyBytes_Check(phrase) || PyBytes_GET_SIZE(phrase) == 0) {
            PyErr_SetString(PyExc_TypeError, "headers must be non-empty bytes");
            goto fail_folded;
        }
        const uint8_t *b = (const uint8_t *)PyBytes_AS_STRING(phrase);
        Py_ssize_t m = PyBytes_GET_SIZE(phrase);
        if (!is_alnum_ascii(b[0]) || !is_alnum_ascii(b[m - 1]) || memchr(b, 0xC2, (size_t)m) ||
            memchr(b, 0xE2, (size_t)m)) {
            PyErr_SetString(PyExc_ValueError, "a header phrase must start and end with a letter or digit");
            goto fail_folded;
        }
        for (Py_ssize_t j = 0; j < m; j++) {
            if (b[j] >= 'A' && b[j] <= 'Z') {
                PyErr_SetString(PyExc_ValueError, "header phrases are lower case");
                goto fail_folded;
            }
        }
        PyObject *folded = PyBytes_FromStringAndSize(NULL, m);
        if (!folded)
            goto fail_folded;
        for (Py_ssize_t j = 0; j < m; j++)
            PyBytes_AS_STRING(folded)[j] = (char)r->fold[b[j]];
        PyObject *known = PyDict_GetItemWithError(index, folded);
        if (known) {
            folded_of[i] = (int32_t)PyLong_AsLong(known);
        } else if (PyErr_Occurred()) {
            Py_DECREF(folded);
            goto fail_folded;
        } else {
            PyObject *number = PyLong_FromSsize_t(nfolded);
            int bad = !number || PyDict_SetItem(index, folded, number) || PyList_Append(all, folded);
            Py_XDECREF(number);
            if (bad) {
                Py_DECREF(folded);
                goto fail_folded;
            }
            folded_of[i] = (int32_t)nfolded++;
        }
        Py_DECREF(folded);
    }
    /* phrases by folded pattern, in phrase order */
    Py_ssize_t at = 0;
    for (Py_ssize_t k = 0; k < nfolded; k++) {
        r->header_of_off[k] = (int32_t)at;
        for (Py_ssize_t i = 0; i < nh; i++) {
            if (folded_of[i] == k) {
                if (ints_push(&phrases, (int32_t)i))
                    goto fail_folded;
                r->header_of_len[k]++;
                at++;
            }
        }
    }
    if (!phrases.v && ints_push(&phrases, 0))
        goto fail_folded;
    r->header_of = phrases.v;
    phrases.v = NULL;
    ok = dfa_build(&r->skills, all, 0);
fail_folded:
    PyMem_Free(folded_of);
done:
    PyMem_Free(phrases.v);
    Py_XDECREF(all);
    Py_XDECREF(index);
    return ok;
}

static int reader_init(Reader *r, PyObject *args, PyObject *kw) {
    static char *names[] = {"patterns", "fold", "e2", "c2", "headers", "nice_from", "kinds", "word_of",
                            "single_of", "alias_of", "after", "word_len", "exact", "alias_skill",
                            "alias_group", "alias_words", "alias_word_ids", "groups", "skills",
                            "list_words", "list_before", "list_after", "ascii_word", "ascii_space",
                            "before_chars", "after_chars", NULL};
    PyObject *patterns, *fold, *e2, *c2, *headers, *kinds, *word_of, *single_of, *alias_of, *after;
    PyObject *word_len, *exact, *alias_skill, *alias_group, *alias_words, *alias_word_ids, *groups;
    PyObject *skills, *list_words, *list_before, *list_after, *ascii_word, *ascii_space;
    PyObject *before_chars, *after_chars;
    int nice_from;
    if (r->npatterns || r->skills.next || r->skills.next16) {
        PyErr_SetString(PyExc_RuntimeError, "Reader is already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kw, "$O!SSSO!iOOOOOOOOOOOOO!O!SSSSUU", names, &PyList_Type,
                                     &patterns, &fold, &e2, &c2, &PyList_Type, &headers, &nice_from, &kinds,
                                     &word_of, &single_of, &alias_of, &after, &word_len, &exact, &alias_skill,
                                     &alias_group, &alias_words, &alias_word_ids, &groups, &PyTuple_Type,
                                     &skills, &PyTuple_Type, &list_words, &list_before, &list_after,
                                     &ascii_word, &ascii_space, &before_chars, &after_chars))
        return -1;
    if (PyBytes_GET_SIZE(fold) != 256) {
        PyErr_SetString(PyExc_ValueError, "fold must be a 256-byte table");
        return -1;
    }
    memcpy(r->fold, PyBytes_AS_STRING(fold), 256);
    if (byte_set(e2, r->e2, "e2") || byte_set(c2, r->c2, "c2") || byte_set(list_before, r->list_before, "list_before") ||
        byte_set(list_after, r->list_after, "list_after") || byte_set(ascii_word, r->ascii_word, "ascii_word") ||
        byte_set(ascii_space, r->ascii_space, "ascii_space"))
        return -1;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(list_words); i++) {
        if (!PyBytes_Check(PyTuple_GET_ITEM(list_words, i))) {
            PyErr_SetString(PyExc_TypeError, "list_words must be bytes");
            return -1;
        }
    }
    Py_INCREF(list_words);
    r->list_words = list_words;
    if (!(r->before_chars = PyUnicode_AsUCS4Copy(before_chars)) ||
        !(r->after_chars = PyUnicode_AsUCS4Copy(after_chars)))
        return -1;
    r->nbefore_chars = PyUnicode_GET_LENGTH(before_chars);
    r->nafter_chars = PyUnicode_GET_LENGTH(after_chars);
    Py_INCREF(skills);
    r->skills_list = skills;
    r->nskills = (int32_t)PyTuple_GET_SIZE(skills);
    r->nice_from = nice_from;
    if (add_headers(r, patterns, headers))
        return -1;
    Py_ssize_t np = PyList_GET_SIZE(patterns), n = 0;
    r->npatterns = (int32_t)np;
    int32_t *k = int_array(kinds, &n, "kinds");
    if (!k)
        return -1;
    r->kind = PyMem_Malloc((size_t)(np ? np : 1));
    if (!r->kind) {
        PyMem_Free(k);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n && i < np; i++)
        r->kind[i] = (uint8_t)k[i];
    PyMem_Free(k);
    if (n != np) {
        PyErr_SetString(PyExc_ValueError, "kinds: one per pattern");
        return -1;
    }
    Py_ssize_t m = 0;
    if (!(r->word_len = int_array(word_len, &m, "word_len")))
        return -1;
    r->nwords = (int32_t)m;
    if (!(r->word_of = int_array(word_of, &n, "word_of")) || n != np ||
        check_range(r->word_of, n, -1, r->nwords, "word_of"))
        return PyErr_Occurred() ? -1 : (PyErr_SetString(PyExc_ValueError, "word_of"), -1);
    if (!(r->single_of = int_array(single_of, &n, "single_of")) || n != np ||
        check_range(r->single_of, n, -1, r->nskills, "single_of"))
        return PyErr_Occurred() ? -1 : (PyErr_SetString(PyExc_ValueError, "single_of"), -1);
    if (!(r->alias_skill = int_array(alias_skill, &m, "alias_skill")) ||
        check_range(r->alias_skill, m, 0, r->nskills, "alias_skill"))
        return -1;
    r->naliases = (int32_t)m;
    if (!(r->alias_of = int_array(alias_of, &n, "alias_of")) || n != np ||
        check_range(r->alias_of, n, -1, r->naliases, "alias_of"))
        return PyErr_Occurred() ? -1 : (PyErr_SetString(PyExc_ValueError, "alias_of"), -1);
    if (ragged(after, np, &r->after_off, &r->after_len, &r->after, "after"))
        return -1;
    Py_ssize_t nafter = np ? r->after_off[np - 1] + r->after_len[np - 1] : 0;
    if (check_range(r->after, nafter, 0, r->naliases, "after"))
        return -1;
    if (!(r->alias_group = int_array(alias_group, &n, "alias_group")) || n != r->naliases)
        return PyErr_Occurred() ? -1 : (PyErr_SetString(PyExc_ValueError, "alias_group"), -1);
    if (ragged(alias_word_ids, r->naliases, &r->alias_ids_off, &r->alias_nids, &r->alias_word_ids, "alias_word_ids"))
        return -1;
    Py_ssize_t nids = r->naliases ? r->alias_ids_off[r->naliases - 1] + r->alias_nids[r->naliases - 1] : 0;
    if (check_range(r->alias_word_ids, nids, 0, r->nwords, "alias_word_ids"))
        return -1;
    if (ragged(groups, -1, &r->group_off, &r->group_len, &r->group_alias, "groups"))
        return -1;
    r->ngroups = (int32_t)PySequence_Size(groups);
    Py_ssize_t ngalias = r->ngroups ? r->group_off[r->ngroups - 1] + r->group_len[r->ngroups - 1] : 0;
    if (check_range(r->group_alias, ngalias, 0, r->naliases, "groups") ||
        check_range(r->alias_group, r->naliases, 0, r->ngroups, "alias_group"))
        return -1;
    /* alias words: a list (per alias) of tuples of bytes */
    if (!PyList_Check(alias_words) || PyList_GET_SIZE(alias_words) != r->naliases) {
        PyErr_SetString(PyExc_ValueError, "alias_words: one tuple per alias");
        return -1;
    }
    r->alias_words_off = PyMem_Malloc((size_t)(r->naliases ? r->naliases : 1) * sizeof(int32_t));
    r->alias_nwords = PyMem_Calloc((size_t)(r->naliases ? r->naliases : 1), sizeof(int32_t));
    Py_ssize_t total = 0;
    for (int32_t a = 0; a < r->naliases; a++) {
        PyObject *t = PyList_GET_ITEM(alias_words, a);
        if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) < 1) {
            PyErr_SetString(PyExc_ValueError, "alias_words: tuples of bytes");
            return -1;
        }
        total += PyTuple_GET_SIZE(t);
    }
    r->alias_word = PyMem_Calloc((size_t)(total ? total : 1), sizeof(PyObject *));
    if (!r->alias_words_off || !r->alias_nwords || !r->alias_word) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t at = 0;
    for (int32_t a = 0; a < r->naliases; a++) {
        PyObject *t = PyList_GET_ITEM(alias_words, a);
        r->alias_words_off[a] = (int32_t)at;
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(t); j++) {
            PyObject *w = PyTuple_GET_ITEM(t, j);
            if (!PyBytes_Check(w) || PyBytes_GET_SIZE(w) == 0) {
                PyErr_SetString(PyExc_TypeError, "alias_words: non-empty bytes");
                return -1;
            }
            Py_INCREF(w);
            r->alias_word[at++] = w;
            r->nalias_word = at;
            r->alias_nwords[a]++;
        }
    }
    /* exact entries: per word, a sequence of (first spelling, skill, needs list, words) */
    if (!PyList_Check(exact) || PyList_GET_SIZE(exact) != r->nwords) {
        PyErr_SetString(PyExc_ValueError, "exact: one sequence per word");
        return -1;
    }
    r->exact_off = PyMem_Malloc((size_t)(r->nwords ? r->nwords : 1) * sizeof(int32_t));
    r->exact_len = PyMem_Malloc((size_t)(r->nwords ? r->nwords : 1) * sizeof(int32_t));
    total = 0;
    for (int32_t w = 0; w < r->nwords; w++) {
        PyObject *t = PyList_GET_ITEM(exact, w);
        if (!PyTuple_Check(t)) {
            PyErr_SetString(PyExc_TypeError, "exact: tuples");
            return -1;
        }
        total += PyTuple_GET_SIZE(t);
    }
    r->exact_spelling = PyMem_Calloc((size_t)(total ? total : 1), sizeof(PyObject *));
    r->exact_skill = PyMem_Malloc((size_t)(total ? total : 1) * sizeof(int32_t));
    r->exact_listed = PyMem_Malloc((size_t)(total ? total : 1) * sizeof(int32_t));
    r->exact_nwords = PyMem_Malloc((size_t)(total ? total : 1) * sizeof(int32_t));
    if (!r->exact_off || !r->exact_len || !r->exact_spelling || !r->exact_skill || !r->exact_listed ||
        !r->exact_nwords) {
        PyErr_NoMemory();
        return -1;
    }
    at = 0;
    for (int32_t w = 0; w < r->nwords; w++) {
        PyObject *t = PyList_GET_ITEM(exact, w);
        r->exact_off[w] = (int32_t)at;
        r->exact_len[w] = (int32_t)PyTuple_GET_SIZE(t);
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(t); j++) {
            PyObject *spelling;
            int skill, listed, nw;
            if (!PyArg_ParseTuple(PyTuple_GET_ITEM(t, j), "Siii", &spelling, &skill, &listed, &nw))
                return -1;
            if (skill < 0 || skill >= r->nskills || nw < 1) {
                PyErr_SetString(PyExc_ValueError, "exact: skill out of range");
                return -1;
            }
            Py_INCREF(spelling);
            r->exact_spelling[at] = spelling;
            r->nexact = at + 1;
            r->exact_skill[at] = skill;
            r->exact_listed[at] = listed;
            r->exact_nwords[at] = nw;
            at++;
        }
    }
    for (Py_ssize_t i = 0; i < np; i++) {
        uint8_t k = r->kind[i];
        if (((k & (K_SINGLE | K_EXACT)) && r->word_of[i] < 0) || ((k & K_SINGLE) && r->single_of[i] < 0) ||
            ((k & K_ALIAS) && r->alias_of[i] < 0) || (!(k & K_ALIAS) && r->alias_of[i] >= 0) ||
            (!(k & K_AFTER) && r->after_len[i])) {
            PyErr_SetString(PyExc_ValueError, "kinds disagree with the tables");
            return -1;
        }
    }
    for (Py_ssize_t i = 0; i < np; i++) {
        /* a pattern's word is where the original spelling is read: check it fits the pattern */
        if (r->word_of[i] >= 0 && r->word_len[r->word_of[i]] + 1 > r->skills.len[i]) {
            PyErr_SetString(PyExc_ValueError, "word longer than its pattern");
            return -1;
        }
    }
    r->pid_mark = PyMem_Calloc((size_t)(np ? np : 1), sizeof(uint32_t));
    r->alias_mark = PyMem_Calloc((size_t)(r->naliases ? r->naliases : 1), sizeof(uint32_t));
    r->group_mark = PyMem_Calloc((size_t)(r->ngroups ? r->ngroups : 1), sizeof(uint32_t));
    r->within_mark = PyMem_Calloc((size_t)(r->nwords ? r->nwords : 1), sizeof(uint32_t));
    r->word_mark = PyMem_Calloc((size_t)(r->nwords ? r->nwords : 1), sizeof(uint32_t));
    r->skill_mark = PyMem_Calloc((size_t)(r->nskills ? r->nskills : 1), sizeof(uint32_t));
    if (!r->pid_mark || !r->alias_mark || !r->group_mark || !r->within_mark || !r->word_mark || !r->skill_mark) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Folding and headers                                                                         */

static int ensure_buf(Reader *r, Py_ssize_t n) {
    if (n <= r->buf_cap)
        return 0;
    uint8_t *b = PyMem_Realloc(r->buf, (size_t)n);
    if (!b) {
        PyErr_NoMemory();
        return -1;
    }
    r->buf = b;
    r->buf_cap = n;
    return 0;
}

static int ensure_dbuf(Reader *r, Py_ssize_t n) {
    if (n <= r->dbuf_cap)
        return 0;
    uint8_t *b = PyMem_Realloc(r->dbuf, (size_t)n);
    if (!b) {
        PyErr_NoMemory();
        return -1;
    }
    r->dbuf = b;
    r->dbuf_cap = n;
    return 0;
}

/* ``folded_words``: w[0] and w[n + 1] spaces, w[i + 1] the fold of data[i]. */
static void fold_into(const Reader *r, const uint8_t *data, Py_ssize_t n, uint8_t *w) {
    w[0] = ' ';
    Py_ssize_t i = 0;
    while (i < n) {
        uint8_t b = data[i];
        if (b == 0xE2 && i + 2 < n && data[i + 1] == 0x80 && r->e2[data[i + 2]]) {
            w[i + 1] = w[i + 2] = w[i + 3] = ' ';
            i += 3;
        } else if (b == 0xC2 && i + 1 < n && r->c2[data[i + 1]]) {
            w[i + 1] = w[i + 2] = ' ';
            i += 2;
        } else {
            w[i + 1] = r->fold[b];
            i += 1;
        }
    }
    w[n + 1] = ' ';
}

static int is_word_byte(uint8_t b) {
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_';
}

static int cmp_header(const void *a, const void *b) {
    const int32_t *x = a, *y = b; /* (phrase, start, end) */
    if (x[1] != y[1])
        return x[1] < y[1] ? -1 : 1;
    if (x[2] != y[2])
        return x[2] > y[2] ? -1 : 1; /* longest first */
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* The one pass over the reading ``w`` of ``data``: the skill patterns' hits into r->hits (by
 * position in ``w``), the header phrases found into r->header_hits (by position in ``data``). */
static int scan_text(Reader *r, const uint8_t *data, Py_ssize_t n, const uint8_t *w) {
    r->hits.n = r->header_hits.n = 0;
    if (dfa_scan(&r->skills, w, n + 2, &r->hits, r->chain_hits))
        return -1;
    Py_ssize_t keep = 0, nh = r->hits.n / 3;
    int32_t *h = r->hits.v;
    for (Py_ssize_t i = 0; i < nh; i++) {
        int32_t pid = h[3 * i];
        if (pid < r->nskill_patterns) {
            h[3 * keep] = pid, h[3 * keep + 1] = h[3 * i + 1], h[3 * keep + 2] = h[3 * i + 2];
            keep++;
            continue;
        }
        int32_t k = pid - r->nskill_patterns;
        Py_ssize_t at = (Py_ssize_t)h[3 * i + 1] - 1, m = (Py_ssize_t)h[3 * i + 2] - h[3 * i + 1];
        for (int32_t j = 0; j < r->header_of_len[k]; j++) {
            int32_t q = r->header_of[r->header_of_off[k] + j];
            const uint8_t *phrase = (const uint8_t *)PyBytes_AS_STRING(PyList_GET_ITEM(r->header_phrases, q));
            if (at < 0 || at + m > n)
                continue;
            Py_ssize_t x = 0;
            while (x < m && (data[at + x] >= 'A' && data[at + x] <= 'Z' ? data[at + x] + 32 : data[at + x]) == phrase[x])
                x++;
            if (x == m && (ints_push(&r->header_hits, q) || ints_push(&r->header_hits, (int32_t)at) ||
                           ints_push(&r->header_hits, (int32_t)(at + m))))
                return -1;
        }
    }
    r->hits.n = keep * 3;
    return 0;
}

/* ``part_starts`` from the header phrases found (scan_text): starts (0 first) and nice flags. */
static int find_parts(Reader *r, const uint8_t *data, Ints *starts, Ints *nice) {
    Py_ssize_t nh = r->header_hits.n / 3;
    int32_t *h = r->header_hits.v;
    if (nh > 1)
        qsort(h, (size_t)nh, 3 * sizeof(int32_t), cmp_header);
    starts->n = nice->n = 0;
    if (ints_push(starts, 0) || ints_push(nice, 0))
        return -1;
    /* leftmost-longest, non-overlapping, as the Python header automaton reports them */
    int32_t from = 0;
    for (Py_ssize_t k = 0; k < nh; k++) {
        int32_t phrase = h[3 * k], at = h[3 * k + 1], end = h[3 * k + 2];
        if (at < from)
            continue;
        from = end;
        int32_t line = at;
        while (line > 0 && data[line - 1] != '\n')
            line--;
        int is_nice = phrase >= r->nice_from;
        if (!is_nice) {
            int32_t j = line;
            while (j < at && !is_word_byte(data[j]))
                j++;
            if (j < at)
                continue; /* a section phrase counts only at the start of its line */
        }
        Py_ssize_t last = starts->n - 1;
        if (line == starts->v[last]) {
            if (is_nice)
                nice->v[last] = 1; /* a nice header wins its line */
        } else if (ints_push(starts, line) || ints_push(nice, is_nice)) {
            return -1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* The rules of SkillIndex._read, on one part                                                  */

typedef struct {
    const uint8_t *data; /* the part's bytes */
    Py_ssize_t size;
    const uint8_t *w;    /* its stretch of the reading: w[at + 1] is data[at] */
    Py_ssize_t wlen;
    const int32_t *hits; /* (pattern, at, end) relative to w */
    Py_ssize_t nhits;
    int ascii;           /* -1: not looked at yet */
} Part;

#define HAND_BACK 2 /* a rule needs the Python reading: the part is read there */

static int apart_word(const Reader *r, const Part *p, int32_t a, int32_t k, Py_ssize_t at);

/* ``_GAP`` (a dot, spaces, lone dots) from ``at``, then word k: any way it can match. */
static int apart_gap(const Reader *r, const Part *p, int32_t a, int32_t k, Py_ssize_t t) {
    const uint8_t *w = p->w;
    if (t >= p->wlen || w[t] != ' ')
        return 0;
    for (;;) {
        while (t < p->wlen && w[t] == ' ') {
            t++;
            if (apart_word(r, p, a, k, t))
                return 1;
        }
        if (t + 1 < p->wlen && w[t] == '.' && w[t + 1] == ' ') {
            t++;
            continue;
        }
        return 0;
    }
}

static int apart_word(const Reader *r, const Part *p, int32_t a, int32_t k, Py_ssize_t at) {
    PyObject *word = r->alias_word[r->alias_words_off[a] + k];
    Py_ssize_t m = PyBytes_GET_SIZE(word);
    if (at + m > p->wlen || memcmp(p->w + at, PyBytes_AS_STRING(word), (size_t)m) != 0)
        return 0;
    Py_ssize_t q = at + m;
    const uint8_t *w = p->w;
    if (k == r->alias_nwords[a] - 1) { /* r"\.?(?= )" */
        if (q < p->wlen && w[q] == ' ')
            return 1;
        return q + 1 < p->wlen && w[q] == '.' && w[q + 1] == ' ';
    }
    if (q < p->wlen && w[q] == '.' && apart_gap(r, p, a, k + 1, q + 1))
        return 1;
    return apart_gap(r, p, a, k + 1, q);
}

/* ``alias.apart.match(words, at)``: " w1" + gap + "w2" ... + optional dot, a space next. */
static int apart_match(const Reader *r, const Part *p, int32_t a, Py_ssize_t at) {
    if (at < 0 || at >= p->wlen || p->w[at] != ' ')
        return 0;
    return apart_word(r, p, a, 0, at + 1);
}

static int lower_in_list_words(const Reader *r, const uint8_t *s, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(r->list_words); i++) {
        PyObject *lw = PyTuple_GET_ITEM(r->list_words, i);
        if (PyBytes_GET_SIZE(lw) != n)
            continue;
        const uint8_t *t = (const uint8_t *)PyBytes_AS_STRING(lw);
        Py_ssize_t j = 0;
        while (j < n && (s[j] >= 'A' && s[j] <= 'Z' ? s[j] + 32 : s[j]) == t[j])
            j++;
        if (j == n)
            return 1;
    }
    return 0;
}

/* ``_ascii_list_context``: 1 / 0, or -1 where it would read past ASCII. */
static int ascii_list_context(const Reader *r, const uint8_t *d, Py_ssize_t size, Py_ssize_t start,
                              Py_ssize_t end) {
    Py_ssize_t at = start;
    while (at && (d[at - 1] == ' ' || d[at - 1] == '\t'))
        at--;
    if (at && d[at - 1] != '\r' && d[at - 1] != '\n' && !r->list_before[d[at - 1]]) {
        if (d[at - 1] >= 0x80)
            return -1;
        Py_ssize_t word = at;
        while (word && r->ascii_word[d[word - 1]])
            word--;
        if (word && d[word - 1] >= 0x80)
            return -1;
        if (!(word < at && lower_in_list_words(r, d + word, at - word)))
            return 0;
    }
    at = end;
    while (at < size && (d[at] == ' ' || d[at] == '\t'))
        at++;
    if (at == size || d[at] == '\r' || d[at] == '\n' || r->list_after[d[at]])
        return 1;
    if (d[at] >= 0x80)
        return -1;
    if (d[at] == '.') {
        if (at + 1 == size || r->ascii_space[d[at + 1]])
            return 1;
        if (d[at + 1] >= 0x80)
            return -1;
    }
    Py_ssize_t word = at;
    while (word < size && r->ascii_word[d[word]])
        word++;
    if (word < size && d[word] >= 0x80)
        return -1;
    return at < word && lower_in_list_words(r, d + at, word - at);
}

/* The code point at d[i] (i < size) and its length in bytes, strictly (as Python decodes
 * UTF-8: no overlong forms, surrogates or code points past U+10FFFF); -1 if not valid. */
static int32_t utf8_at(const uint8_t *d, Py_ssize_t size, Py_ssize_t i, int *len) {
    uint8_t b = d[i];
    if (b < 0x80) {
        *len = 1;
        return b;
    }
    int n;
    int32_t cp, min;
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2, cp = b & 0x1F, min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3, cp = b & 0x0F, min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4, cp = b & 0x07, min = 0x10000;
    } else {
        return -1;
    }
    if (i + n > size)
        return -1;
    for (int k = 1; k < n; k++) {
        uint8_t c = d[i + k];
        if ((c & 0xC0) != 0x80)
            return -1;
        cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *len = n;
    return cp;
}

/* ``_char_before``: the character ending at byte ``at``; -2 at the start, -1 if not UTF-8. */
static int32_t char_before(const uint8_t *d, Py_ssize_t at) {
    if (!at)
        return -2;
    if (d[at - 1] < 0x80)
        return d[at - 1];
    Py_ssize_t start = at - 1;
    while (start > 0 && at - start < 4 && d[start] >= 0x80 && d[start] < 0xC0)
        start--;
    int len = 0;
    int32_t cp = utf8_at(d, at, start, &len);
    return cp >= 0 && start + len == at ? cp : -1;
}

/* ``_char_after``: the character starting at byte ``at``; -2 at the end, -1 if not UTF-8. */
static int32_t char_after(const uint8_t *d, Py_ssize_t size, Py_ssize_t at) {
    if (at >= size)
        return -2;
    int len = 0;
    return utf8_at(d, size, at, &len);
}

static int is_word_char(int32_t cp) {
    return cp >= 0 && (cp == '_' || Py_UNICODE_ISALNUM((Py_UCS4)cp));
}

static int in_chars(const Py_UCS4 *set, Py_ssize_t n, int32_t cp) {
    for (Py_ssize_t i = 0; i < n; i++) {
        if ((int32_t)set[i] == cp)
            return 1;
    }
    return 0;
}

/* A word of the line (bytes [a, b), valid UTF-8) as ``_LIST_WORDS`` reads it (case folded):
 * 1 / 0, -1 on error. Non-ASCII letters are folded by Python's own casefold ("\u017f" is "s"). */
static int list_word(const Reader *r, const uint8_t *d, Py_ssize_t a, Py_ssize_t b) {
    if (a >= b)
        return 0;
    for (Py_ssize_t i = a; i < b; i++) {
        if (d[i] >= 0x80) {
            PyObject *word = PyUnicode_DecodeUTF8((const char *)d + a, b - a, "strict");
            PyObject *folded = word ? PyObject_CallMethod(word, "casefold", NULL) : NULL;
            Py_XDECREF(word);
            if (!folded)
                return -1;
            int found = 0;
            if (PyUnicode_IS_ASCII(folded))
                found = lower_in_list_words(r, PyUnicode_DATA(folded), PyUnicode_GET_LENGTH(folded));
            Py_DECREF(folded);
            return found;
        }
    }
    return lower_in_list_words(r, d + a, b - a);
}

/* ``_in_list_context`` on the line [first, stop) of UTF-8 ``d`` (checked valid), the word at
 * [start, end): 1 / 0 / HAND_BACK. */
static int line_list_context(const Reader *r, const uint8_t *d, Py_ssize_t first, Py_ssize_t stop,
                             Py_ssize_t start, Py_ssize_t end) {
    Py_ssize_t at = start;
    while (at > first && (d[at - 1] == ' ' || d[at - 1] == '\t'))
        at--;
    if (at > first) {
        int32_t cp = char_before(d + first, at - first);
        if (cp < 0)
            return HAND_BACK;
        if (!(cp == '\r' || cp == '\n' || in_chars(r->before_chars, r->nbefore_chars, cp))) {
            Py_ssize_t word = at;
            while (word > first) {
                int32_t c = char_before(d + first, word - first);
                if (!is_word_char(c))
                    break;
                word -= c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
            }
            int ok = list_word(r, d, word, at);
            if (ok != 1)
                return ok;
        }
    }
    at = end;
    while (at < stop && (d[at] == ' ' || d[at] == '\t'))
        at++;
    if (at == stop)
        return 1;
    int len = 0;
    int32_t cp = utf8_at(d, stop, at, &len);
    if (cp < 0)
        return HAND_BACK;
    if (cp == '\r' || cp == '\n' || in_chars(r->after_chars, r->nafter_chars, cp))
        return 1;
    if (cp == '.') {
        if (at + 1 == stop)
            return 1;
        int32_t next = utf8_at(d, stop, at + 1, &len);
        if (next < 0)
            return HAND_BACK;
        if (Py_UNICODE_ISSPACE((Py_UCS4)next))
            return 1;
    }
    Py_ssize_t word = at;
    while (word < stop) {
        int32_t c = utf8_at(d, stop, word, &len);
        if (!is_word_char(c))
            break;
        word += len;
    }
    return list_word(r, d, at, word);
}

/* ``_list_context_at``: on the bytes, or on the mention's line read as text. */
static int list_context_at(const Reader *r, const uint8_t *d, Py_ssize_t size, Py_ssize_t start,
                           Py_ssize_t end) {
    int listed = ascii_list_context(r, d, size, start, end);
    if (listed >= 0)
        return listed;
    Py_ssize_t first = start, stop = end;
    while (first > 0 && d[first - 1] != '\n')
        first--;
    while (stop < size && d[stop] != '\n')
        stop++;
    for (Py_ssize_t i = first; i < stop;) { /* a line that is not UTF-8 reads with replacements */
        int len = 0;
        if (utf8_at(d, stop, i, &len) < 0)
            return HAND_BACK;
        i += len;
    }
    return line_list_context(r, d, first, stop, start, end);
}

/* ``_listed_utf8`` where the part is not ASCII: every place the spelling is in the bytes. */
static int listed_utf8(const Reader *r, const uint8_t *d, Py_ssize_t size, const uint8_t *word, Py_ssize_t n) {
    Py_ssize_t at = 0;
    while (at + n <= size) {
        const uint8_t *hit = memchr(d + at, word[0], (size_t)(size - n - at + 1));
        if (!hit)
            return 0;
        at = hit - d;
        if (memcmp(d + at, word, (size_t)n) != 0) {
            at++;
            continue;
        }
        Py_ssize_t end = at + n;
        int32_t before = char_before(d, at), after = char_after(d, size, end);
        int32_t following = after == '.' ? char_after(d, size, end + 1) : -2;
        if (before == -1 || after == -1 || following == -1)
            return HAND_BACK; /* not UTF-8 around it: the Python reading decodes the whole part */
        if (!(before >= 0 && (is_word_char(before) || before == '.' || before == '+' || before == '#')) &&
            !(after >= 0 && (is_word_char(after) || after == '+' || after == '#')) &&
            !(following >= 0 && is_word_char(following))) {
            int listed = list_context_at(r, d, size, at, end);
            if (listed)
                return listed;
            at = end;
        } else {
            at++;
        }
    }
    return 0;
}

/* ``padded.count(alias.spelled)``: the alias's mentions in the part's words joined by single
 * spaces (each word's sentence dot dropped: ". " is two spaces), without overlaps: a mention
 * right after another shares its space, so it does not count (the word list's reading).
 * -1 on error. */
static Py_ssize_t recount(Reader *r, const Part *p, int32_t a) {
    const uint8_t *w = p->w;
    Ints *tok = &r->tokens;
    tok->n = 0;
    for (Py_ssize_t i = 0; i < p->wlen;) {
        while (i < p->wlen && w[i] == ' ')
            i++;
        Py_ssize_t t = i;
        while (i < p->wlen && w[i] != ' ')
            i++;
        Py_ssize_t end = i < p->wlen && i > t && w[i - 1] == '.' ? i - 1 : i;
        if (end > t && (ints_push(tok, (int32_t)t) || ints_push(tok, (int32_t)end)))
            return -1;
    }
    Py_ssize_t ntok = tok->n / 2, k = r->alias_nwords[a], count = 0;
    PyObject *const *words = &r->alias_word[r->alias_words_off[a]];
    for (Py_ssize_t i = 0; i + k <= ntok;) {
        Py_ssize_t m = 0;
        while (m < k) {
            int32_t x = tok->v[2 * (i + m)], y = tok->v[2 * (i + m) + 1];
            PyObject *want = words[m];
            if (y - x != PyBytes_GET_SIZE(want) || memcmp(w + x, PyBytes_AS_STRING(want), (size_t)(y - x)))
                break;
            m++;
        }
        if (m == k) {
            count++;
            i += k + 1; /* the next mention starts after the space this one ends with */
        } else {
            i++;
        }
    }
    return count;
}

/* ``_only_inside``: 1 when every mention of the word is inside a longer alias found, 0 when
 * not; an alias mentioned more than once is recounted in the joined words, as in Python. */
static int only_inside(Reader *r, const Part *p, int32_t word) { /* -1 on error */
    if (r->within_mark[word] != r->epoch)
        return 0;
    Py_ssize_t mentions = 0, total = 0;
    int any = 0, recounted = 0;
    for (Py_ssize_t h = 0; h < p->nhits; h++)
        mentions += r->word_of[p->hits[3 * h]] == word;
    for (Py_ssize_t i = 0; i < r->inside.n; i++) {
        int32_t a = r->inside.v[i], has = 0;
        for (int32_t j = 0; j < r->alias_nids[a]; j++)
            has |= r->alias_word_ids[r->alias_ids_off[a] + j] == word;
        if (!has)
            continue;
        any = 1;
        Py_ssize_t count = 0;
        for (Py_ssize_t h = 0; h < p->nhits; h++)
            count += r->alias_of[p->hits[3 * h]] == a;
        for (Py_ssize_t j = 0; j < r->apart.n; j += 2)
            count += r->apart.v[j] == a;
        if (count > 1)
            recounted = 1;
        total += count;
    }
    if (any && recounted) { /* the joined words, as the Python reading recounts them */
        total = 0;
        for (Py_ssize_t i = 0; i < r->inside.n; i++) {
            int32_t a = r->inside.v[i], has = 0;
            for (int32_t j = 0; j < r->alias_nids[a]; j++)
                has |= r->alias_word_ids[r->alias_ids_off[a] + j] == word;
            if (has) {
                Py_ssize_t n = recount(r, p, a);
                if (n < 0)
                    return -1;
                total += n;
            }
        }
    }
    return any && total >= mentions;
}

static int add_skill(Reader *r, int32_t skill) {
    if (r->skill_mark[skill] == r->epoch)
        return 0;
    r->skill_mark[skill] = r->epoch;
    return ints_push(&r->found, skill);
}

static int part_is_ascii(Part *p) {
    if (p->ascii < 0) {
        p->ascii = 1;
        for (Py_ssize_t i = 0; i < p->size; i++) {
            if (p->data[i] >= 0x80) {
                p->ascii = 0;
                break;
            }
        }
    }
    return p->ascii;
}

/* An exact-case entry whose first word was hit: 1 found, 0 not, HAND_BACK, -1 error. */
static int exact_entry(Reader *r, Part *p, int32_t e, int32_t word) {
    PyObject *spelling = r->exact_spelling[e];
    const uint8_t *sp = (const uint8_t *)PyBytes_AS_STRING(spelling);
    Py_ssize_t m = PyBytes_GET_SIZE(spelling);
    int seen = 0;
    for (Py_ssize_t h = 0; h < p->nhits && !seen; h++) {
        int32_t pid = p->hits[3 * h], at = p->hits[3 * h + 1];
        seen = (r->kind[pid] & K_EXACT) && r->word_of[pid] >= 0 && r->word_len[r->word_of[pid]] == m &&
               at + m <= p->size && memcmp(p->data + at, sp, (size_t)m) == 0;
    }
    if (!seen)
        return 0;
    if (r->exact_nwords[e] > 1)
        return HAND_BACK; /* a multi-word exact-case alias (none in the taxonomy): read in Python */
    int inside = only_inside(r, p, word);
    if (inside)
        return inside < 0 ? -1 : 0;
    if (!r->exact_listed[e])
        return 1;
    for (Py_ssize_t j = 0; j < m; j++) {
        if (sp[j] >= 0x80)
            return HAND_BACK;
    }
    if (!part_is_ascii(p)) {
        return listed_utf8(r, p->data, p->size, sp, m);
    }
    for (Py_ssize_t h = 0; h < p->nhits; h++) {
        int32_t pid = p->hits[3 * h], at = p->hits[3 * h + 1];
        if (!(r->kind[pid] & K_EXACT) || r->word_of[pid] < 0 || r->word_len[r->word_of[pid]] != m ||
            at + m > p->size || memcmp(p->data + at, sp, (size_t)m) != 0)
            continue;
        int listed = ascii_list_context(r, p->data, p->size, at, at + m);
        if (listed < 0)
            return HAND_BACK;
        if (listed)
            return 1;
    }
    return 0;
}

/* The skills of one part into r->found: 0 done, HAND_BACK, -1 error. */
static int read_part(Reader *r, Part *p) {
    r->found.n = r->inside.n = r->apart.n = 0;
    if (++r->epoch == 0) { /* wrapped: clear every mark */
        memset(r->pid_mark, 0, (size_t)(r->npatterns ? r->npatterns : 1) * sizeof(uint32_t));
        memset(r->alias_mark, 0, (size_t)(r->naliases ? r->naliases : 1) * sizeof(uint32_t));
        memset(r->group_mark, 0, (size_t)(r->ngroups ? r->ngroups : 1) * sizeof(uint32_t));
        memset(r->within_mark, 0, (size_t)(r->nwords ? r->nwords : 1) * sizeof(uint32_t));
        memset(r->word_mark, 0, (size_t)(r->nwords ? r->nwords : 1) * sizeof(uint32_t));
        memset(r->skill_mark, 0, (size_t)(r->nskills ? r->nskills : 1) * sizeof(uint32_t));
        r->epoch = 1;
    }
    const uint32_t epoch = r->epoch;
    int plain = 1, any_after = 0;
    for (Py_ssize_t h = 0; h < p->nhits; h++) {
        int32_t pid = p->hits[3 * h];
        uint8_t k = r->kind[pid];
        r->pid_mark[pid] = epoch;
        if (!(k & K_SINGLE) || (k & K_EXACT))
            plain = 0;
        if (k & K_AFTER)
            any_after = 1;
        if (k & K_ALIAS)
            r->alias_mark[r->alias_of[pid]] = epoch;
    }
    if (plain) { /* the usual part: single-word aliases only */
        for (Py_ssize_t h = 0; h < p->nhits; h++) {
            if (add_skill(r, r->single_of[p->hits[3 * h]]))
                return -1;
        }
        return 0;
    }
    if (any_after) { /* mentions whose words are apart by a wider gap */
        for (Py_ssize_t h = 0; h < p->nhits; h++) {
            int32_t pid = p->hits[3 * h], at = p->hits[3 * h + 1];
            for (int32_t j = 0; j < r->after_len[pid]; j++) {
                int32_t a = r->after[r->after_off[pid] + j];
                int dup = 0;
                for (Py_ssize_t x = 0; x < r->apart.n && !dup; x += 2)
                    dup = r->apart.v[x] == a && r->apart.v[x + 1] == at;
                if (dup || !apart_match(r, p, a, at))
                    continue;
                if (ints_push(&r->apart, a) || ints_push(&r->apart, at))
                    return -1;
                r->alias_mark[a] = epoch;
            }
        }
    }
    /* the longest alias of each group mentioned; its words are "within" */
    for (Py_ssize_t round = 0; round < 2; round++) {
        /* round 0: aliases from hits; round 1: aliases found apart */
        Py_ssize_t n = round == 0 ? p->nhits : r->apart.n / 2;
        for (Py_ssize_t h = 0; h < n; h++) {
            int32_t a = round == 0 ? r->alias_of[p->hits[3 * h]] : r->apart.v[2 * h];
            if (a < 0)
                continue;
            int32_t g = r->alias_group[a];
            if (r->group_mark[g] == epoch)
                continue;
            r->group_mark[g] = epoch;
            for (int32_t j = 0; j < r->group_len[g]; j++) {
                int32_t b = r->group_alias[r->group_off[g] + j];
                if (r->alias_mark[b] == epoch) {
                    if (add_skill(r, r->alias_skill[b]) || ints_push(&r->inside, b))
                        return -1;
                    for (int32_t x = 0; x < r->alias_nids[b]; x++)
                        r->within_mark[r->alias_word_ids[r->alias_ids_off[b] + x]] = epoch;
                    break;
                }
            }
        }
    }
    /* single words, unless every mention is inside a longer alias found */
    for (Py_ssize_t h = 0; h < p->nhits; h++) {
        int32_t pid = p->hits[3 * h];
        if (!(r->kind[pid] & K_SINGLE) || r->pid_mark[pid] != epoch)
            continue;
        r->pid_mark[pid] = 0; /* each pattern once (0 is never a current epoch) */
        if (r->skill_mark[r->single_of[pid]] == epoch)
            continue;
        int inside = only_inside(r, p, r->word_of[pid]);
        if (inside < 0)
            return -1;
        if (!inside && add_skill(r, r->single_of[pid]))
            return -1;
    }
    /* exact-case aliases by their first word */
    for (Py_ssize_t h = 0; h < p->nhits; h++) {
        int32_t pid = p->hits[3 * h];
        if (!(r->kind[pid] & K_EXACT))
            continue;
        int32_t word = r->word_of[pid];
        if (r->word_mark[word] == epoch)
            continue; /* each first word once */
        r->word_mark[word] = epoch;
        for (int32_t j = 0; j < r->exact_len[word]; j++) {
            int32_t e = r->exact_off[word] + j;
            if (r->skill_mark[r->exact_skill[e]] == epoch)
                continue;
            int got = exact_entry(r, p, e, word);
            if (got < 0 || got == HAND_BACK)
                return got;
            if (got && add_skill(r, r->exact_skill[e]))
                return -1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Python methods                                                                              */

static PyObject *reader_fold(Reader *r, PyObject *data) {
    if (!PyBytes_Check(data)) {
        PyErr_SetString(PyExc_TypeError, "data must be bytes");
        return NULL;
    }
    Py_ssize_t n = PyBytes_GET_SIZE(data);
    PyObject *out = PyBytes_FromStringAndSize(NULL, n + 2);
    if (!out)
        return NULL;
    fold_into(r, (const uint8_t *)PyBytes_AS_STRING(data), n, (uint8_t *)PyBytes_AS_STRING(out));
    return out;
}

static PyObject *reader_part_starts(Reader *r, PyObject *data) {
    if (!PyBytes_Check(data)) {
        PyErr_SetString(PyExc_TypeError, "data must be bytes");
        return NULL;
    }
    Ints starts = {0}, nice = {0};
    PyObject *s = NULL, *f = NULL, *out = NULL;
    const uint8_t *d = (const uint8_t *)PyBytes_AS_STRING(data);
    Py_ssize_t n = PyBytes_GET_SIZE(data);
    if (n > INT32_MAX - 4) {
        PyErr_SetString(PyExc_ValueError, "text too long");
        goto done;
    }
    if (ensure_buf(r, n + 2))
        goto done;
    fold_into(r, d, n, r->buf);
    if (scan_text(r, d, n, r->buf) || find_parts(r, d, &starts, &nice))
        goto done;
    if (!(s = PyList_New(starts.n)) || !(f = PyList_New(starts.n)))
        goto done;
    for (Py_ssize_t i = 0; i < starts.n; i++) {
        PyObject *v = PyLong_FromLong(starts.v[i]);
        if (!v)
            goto done;
        PyList_SET_ITEM(s, i, v);
        PyList_SET_ITEM(f, i, PyBool_FromLong(nice.v[i]));
    }
    out = PyTuple_Pack(2, s, f);
done:
    Py_XDECREF(s);
    Py_XDECREF(f);
    PyMem_Free(starts.v);
    PyMem_Free(nice.v);
    return out;
}

/* One character of ``encode_fold``: its UTF-8 into d[n:], the reading of it into w[n:]. */
#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

static ALWAYS_INLINE Py_ssize_t encode_char(const Reader *r, Py_UCS4 c, uint8_t *d, uint8_t *w, Py_ssize_t n) {
    if (c < 0x80) {
        d[n] = (uint8_t)c;
        w[n] = r->fold[c];
        return n + 1;
    }
    if (c < 0x800) {
        uint8_t b0 = (uint8_t)(0xC0 | (c >> 6)), b1 = (uint8_t)(0x80 | (c & 0x3F));
        int sep = b0 == 0xC2 && r->c2[b1];
        d[n] = b0, d[n + 1] = b1;
        w[n] = sep ? ' ' : b0, w[n + 1] = sep ? ' ' : b1;
        return n + 2;
    }
    if (c >= 0xD800 && c <= 0xDFFF) { /* a lone surrogate: "?" with "replace" */
        d[n] = '?';
        w[n] = r->fold['?'];
        return n + 1;
    }
    if (c < 0x10000) {
        uint8_t b0 = (uint8_t)(0xE0 | (c >> 12)), b1 = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
        uint8_t b2 = (uint8_t)(0x80 | (c & 0x3F));
        int sep = b0 == 0xE2 && b1 == 0x80 && r->e2[b2];
        d[n] = b0, d[n + 1] = b1, d[n + 2] = b2;
        w[n] = sep ? ' ' : b0, w[n + 1] = sep ? ' ' : b1, w[n + 2] = sep ? ' ' : b2;
        return n + 3;
    }
    d[n] = (uint8_t)(0xF0 | (c >> 18)), d[n + 1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
    d[n + 2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F)), d[n + 3] = (uint8_t)(0x80 | (c & 0x3F));
    memcpy(w + n, d + n, 4);
    return n + 4;
}

/* ``text.encode("utf-8", "replace")`` into r->dbuf and its folded reading into r->buf in one
 * pass over the characters (a lone surrogate is "?"); the length of the UTF-8, -1 on error. */
static Py_ssize_t encode_fold(Reader *r, PyObject *text) {
    Py_ssize_t len = PyUnicode_GET_LENGTH(text), n = 0;
    if (len > (INT32_MAX - 8) / 4) {
        PyErr_SetString(PyExc_ValueError, "text too long");
        return -1;
    }
    if (ensure_buf(r, 4 * len + 2) || ensure_dbuf(r, 4 * len + 1))
        return -1;
    uint8_t *restrict d = r->dbuf, *restrict w = r->buf + 1; /* two buffers, and the table apart */
    const uint8_t *restrict fold = r->fold;
    r->buf[0] = ' ';
    switch (PyUnicode_KIND(text)) { /* one loop per width, so each reads its characters directly */
    case PyUnicode_1BYTE_KIND: {
        const Py_UCS1 *c = PyUnicode_1BYTE_DATA(text);
        for (Py_ssize_t i = 0; i < len; i++) {
            if (c[i] < 0x80) { /* most characters: one byte, one table look-up */
                d[n] = (uint8_t)c[i];
                w[n++] = fold[c[i]];
            } else {
                n = encode_char(r, c[i], d, w, n);
            }
        }
        break;
    }
    case PyUnicode_2BYTE_KIND: {
        const Py_UCS2 *c = PyUnicode_2BYTE_DATA(text);
        Py_ssize_t i = 0;
        while (i + 4 <= len) { /* four ASCII characters at a time where they are */
            uint64_t four;
            memcpy(&four, c + i, sizeof(four));
            if (four & 0xFF80FF80FF80FF80ull) {
                n = c[i] < 0x80 ? (d[n] = (uint8_t)c[i], w[n] = fold[c[i]], n + 1) : encode_char(r, c[i], d, w, n);
                i++;
                continue;
            }
            for (int k = 0; k < 4; k++) {
                d[n + k] = (uint8_t)c[i + k];
                w[n + k] = fold[c[i + k]];
            }
            n += 4;
            i += 4;
        }
        for (; i < len; i++) {
            if (c[i] < 0x80) { /* most characters: one byte, one table look-up */
                d[n] = (uint8_t)c[i];
                w[n++] = fold[c[i]];
            } else {
                n = encode_char(r, c[i], d, w, n);
            }
        }
        break;
    }
    default: {
        const Py_UCS4 *c = PyUnicode_4BYTE_DATA(text);
        for (Py_ssize_t i = 0; i < len; i++) {
            if (c[i] < 0x80) { /* most characters: one byte, one table look-up */
                d[n] = (uint8_t)c[i];
                w[n++] = fold[c[i]];
            } else {
                n = encode_char(r, c[i], d, w, n);
            }
        }
        break;
    }
    }
    w[n] = ' ';
    return n;
}

/* ``text`` (str or bytes) as UTF-8 into *data, *n and its folded reading into r->buf: 0, -1 on error. */
static int prepare_text(Reader *r, PyObject *text, const uint8_t **data, Py_ssize_t *n) {
    if (PyUnicode_Check(text) && PyUnicode_IS_ASCII(text)) {
        *data = (const uint8_t *)PyUnicode_DATA(text);
        *n = PyUnicode_GET_LENGTH(text);
        if (*n > INT32_MAX - 8) {
            PyErr_SetString(PyExc_ValueError, "text too long");
            return -1;
        }
        if (ensure_buf(r, *n + 2))
            return -1;
        uint8_t *w = r->buf;
        w[0] = ' ';
        for (Py_ssize_t i = 0; i < *n; i++)
            w[i + 1] = r->fold[(*data)[i]];
        w[*n + 1] = ' ';
        return 0;
    }
    if (PyUnicode_Check(text)) {
        if ((*n = encode_fold(r, text)) < 0)
            return -1;
        *data = r->dbuf;
        return 0;
    }
    if (PyBytes_Check(text)) {
        *data = (const uint8_t *)PyBytes_AS_STRING(text);
        *n = PyBytes_GET_SIZE(text);
        if (*n > INT32_MAX - 8) {
            PyErr_SetString(PyExc_ValueError, "text too long");
            return -1;
        }
        if (ensure_buf(r, *n + 2))
            return -1;
        fold_into(r, *data, *n, r->buf);
        return 0;
    }
    PyErr_SetString(PyExc_TypeError, "text must be str or bytes");
    return -1;
}

/* What is done with each part once read: r->found holds its skills unless ``got`` is HAND_BACK.
 * Returns 0 to go on, 1 to stop reading, -1 on error. */
typedef int (*PartFn)(Reader *r, void *ctx, int nice, int got, Py_ssize_t start, Py_ssize_t end);

/* Read ``text`` part by part (as ``part_starts`` cuts it), calling ``each`` on every part in
 * order: 0, or -1 on error. */
static int read_parts(Reader *r, PyObject *text, PartFn each, void *ctx) {
    const uint8_t *data = NULL;
    Py_ssize_t n = 0;
    Ints starts = {0}, nice = {0};
    int rc = -1;
    if (prepare_text(r, text, &data, &n))
        return -1;
    uint8_t *w = r->buf;
    if (scan_text(r, data, n, w) || find_parts(r, data, &starts, &nice))
        goto done;
    Py_ssize_t h = 0, nh = r->hits.n / 3;
    for (Py_ssize_t k = 0; k < starts.n; k++) {
        Py_ssize_t start = starts.v[k], end = k + 1 < starts.n ? starts.v[k + 1] : n;
        Py_ssize_t stop = end < n ? end + 1 : end + 2; /* the stretch of the reading: w[start:stop] */
        r->part_hits.n = 0;
        for (; h < nh && r->hits.v[3 * h + 2] <= stop; h++) {
            int32_t *t = &r->hits.v[3 * h];
            if (t[1] >= start &&
                (ints_push(&r->part_hits, t[0]) || ints_push(&r->part_hits, (int32_t)(t[1] - start)) ||
                 ints_push(&r->part_hits, (int32_t)(t[2] - start))))
                goto done;
        }
        Part part = {data + start, end - start, w + start, stop - start, r->part_hits.v, r->part_hits.n / 3, -1};
        int got = part.nhits ? read_part(r, &part) : (r->found.n = 0, 0);
        if (got < 0)
            goto done;
        r->parts_read++;
        if (got == HAND_BACK)
            r->parts_handed_back++;
        int next = each(r, ctx, nice.v[k], got, start, end);
        if (next < 0)
            goto done;
        if (next > 0)
            break;
    }
    rc = 0;
done:
    PyMem_Free(starts.v);
    PyMem_Free(nice.v);
    return rc;
}

/* read(): one (nice, skills or None, start, end) item per part, appended to the list ``ctx``. */
static int part_item(Reader *r, void *ctx, int nice, int got, Py_ssize_t start, Py_ssize_t end) {
    PyObject *skills;
    if (got == HAND_BACK) {
        skills = Py_NewRef(Py_None);
    } else {
        skills = PyList_New(r->found.n);
        if (!skills)
            return -1;
        for (Py_ssize_t i = 0; i < r->found.n; i++)
            PyList_SET_ITEM(skills, i, Py_NewRef(PyTuple_GET_ITEM(r->skills_list, r->found.v[i])));
    }
    PyObject *item = Py_BuildValue("(ONnn)", nice ? Py_True : Py_False, skills, start, end);
    if (!item)
        return -1;
    int rc = PyList_Append((PyObject *)ctx, item);
    Py_DECREF(item);
    return rc;
}

/* read(text) -> [(nice, skills or None, start, end)] for each part of the description. */
static PyObject *reader_read(Reader *r, PyObject *text) {
    PyObject *out = PyList_New(0);
    if (!out)
        return NULL;
    if (read_parts(r, text, part_item, out)) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

/* ---------------------------------------------------------------------------------------- */
/* Offer features' skill fields (``shared.domain.matching.features.offer_features``)          */

/* set_features(tenths, rank, folded, named, weights, no_skills): what offer features count of
 * each skill, by skill number (see ``native_reading.DescriptionReader.offer_skills``). */
static PyObject *reader_set_features(Reader *r, PyObject *args) {
    PyObject *tenths, *rank, *folded, *named, *weights, *no_skills;
    if (!PyArg_ParseTuple(args, "OOO!O!O!O!", &tenths, &rank, &PyTuple_Type, &folded, &PyTuple_Type, &named,
                          &PyTuple_Type, &weights, &PyFrozenSet_Type, &no_skills))
        return NULL;
    if (r->acc) {
        PyErr_SetString(PyExc_RuntimeError, "the features table is already set");
        return NULL;
    }
    Py_ssize_t nt = 0, nr = 0;
    int32_t *t = int_array(tenths, &nt, "tenths"), *k = t ? int_array(rank, &nr, "rank") : NULL;
    if (!t || !k || nt != r->nskills || nr != r->nskills || PyTuple_GET_SIZE(folded) != r->nskills ||
        PyTuple_GET_SIZE(named) != r->nskills || PyTuple_GET_SIZE(weights) != r->nskills ||
        check_range(k, nr, 0, r->nskills, "rank") || check_range(t, nt, -1, 1001, "tenths")) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "one entry per skill in every table");
        PyMem_Free(t);
        PyMem_Free(k);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nt; i++) {
        if (t[i] >= 0 && (!PyUnicode_Check(PyTuple_GET_ITEM(folded, i)) || !PyTuple_Check(PyTuple_GET_ITEM(named, i)) ||
                          !PyFloat_Check(PyTuple_GET_ITEM(weights, i)))) {
            PyErr_SetString(PyExc_TypeError, "a counted skill needs its folded name, (folded, name) and weight");
            PyMem_Free(t);
            PyMem_Free(k);
            return NULL;
        }
    }
    r->acc = PyMem_Calloc((size_t)(r->nskills ? r->nskills : 1), 1);
    if (!r->acc) {
        PyMem_Free(t);
        PyMem_Free(k);
        return PyErr_NoMemory();
    }
    r->tenths = t;
    r->rank = k;
    r->folded = Py_NewRef(folded);
    r->named = Py_NewRef(named);
    r->weights = Py_NewRef(weights);
    r->no_skills = Py_NewRef(no_skills);
    Py_RETURN_NONE;
}

/* Marks each skill of a part in r->acc: ``*(int *)ctx`` is 1 for required, 0 to follow the
 * part (nice to have or not); a part handed back stops the reading (ctx set to -1). */
static int part_marks(Reader *r, void *ctx, int nice, int got, Py_ssize_t start, Py_ssize_t end) {
    (void)start, (void)end;
    int *mode = ctx;
    if (got == HAND_BACK) {
        *mode = -1;
        return 1;
    }
    uint8_t bit = (*mode == 0 && nice) ? 2 : 1;
    for (Py_ssize_t i = 0; i < r->found.n; i++) {
        int32_t s = r->found.v[i];
        if (!r->acc[s] && ints_push(&r->touched, s))
            return -1;
        r->acc[s] |= bit;
    }
    return 0;
}

static int by_rank(const void *a, const void *b) {
    int32_t x = ((const int32_t *)a)[1], y = ((const int32_t *)b)[1];
    return (x > y) - (x < y);
}

/* The skill fields from the marks in r->acc (cleared on the way): see reader_offer_skills. */
static PyObject *skill_fields(Reader *r) {
    PyObject *required = NULL, *nice = NULL, *names = NULL, *weights = NULL, *out = NULL;
    int32_t *ranked = PyMem_Malloc((size_t)(r->touched.n ? r->touched.n : 1) * 2 * sizeof(int32_t));
    Py_ssize_t m = 0, nnice = 0;
    long twice_required = 0, nice_tenths = 0;
    if (!ranked) {
        PyErr_NoMemory();
        goto done;
    }
    if (!(required = PyFrozenSet_New(NULL)))
        goto done;
    for (Py_ssize_t i = 0; i < r->touched.n; i++) {
        int32_t s = r->touched.v[i];
        uint8_t a = r->acc[s];
        if (r->tenths[s] < 0)
            continue; /* a skill offer features do not count */
        ranked[2 * m] = s, ranked[2 * m + 1] = r->rank[s], m++;
        if (a & 1) { /* a skill both required and nice to have is required */
            twice_required += 2 * r->tenths[s];
            if (PySet_Add(required, PyTuple_GET_ITEM(r->folded, s)))
                goto done;
        } else {
            nice_tenths += r->tenths[s];
            nnice++;
        }
    }
    if (nnice) {
        if (!(nice = PyFrozenSet_New(NULL)))
            goto done;
        for (Py_ssize_t i = 0; i < m; i++) {
            int32_t s = ranked[2 * i];
            if (!(r->acc[s] & 1) && PySet_Add(nice, PyTuple_GET_ITEM(r->folded, s)))
                goto done;
        }
    } else {
        nice = Py_NewRef(r->no_skills);
    }
    qsort(ranked, (size_t)m, 2 * sizeof(int32_t), by_rank);
    if (!(names = PyTuple_New(m)) || !(weights = PyDict_New()))
        goto done;
    for (Py_ssize_t i = 0; i < m; i++) {
        int32_t s = ranked[2 * i];
        PyTuple_SET_ITEM(names, i, Py_NewRef(PyTuple_GET_ITEM(r->named, s)));
        if (PyDict_SetItem(weights, PyTuple_GET_ITEM(r->folded, s), PyTuple_GET_ITEM(r->weights, s)))
            goto done;
    }
    out = Py_BuildValue("(OOOOd)", required, nice, names, weights, (double)(twice_required + nice_tenths) / 10);
done:
    for (Py_ssize_t i = 0; i < r->touched.n; i++)
        r->acc[r->touched.v[i]] = 0;
    r->touched.n = 0;
    PyMem_Free(ranked);
    Py_XDECREF(required);
    Py_XDECREF(nice);
    Py_XDECREF(names);
    Py_XDECREF(weights);
    return out;
}

/* offer_skills(description, title, tags) -> (required, nice, skill_names, weights, skill_total)
 * or None: the description's parts, a one-line title (all of it required) and the skill numbers
 * of the tags (required), as offer features count them; None where a part is handed back. */
static PyObject *reader_offer_skills(Reader *r, PyObject *args) {
    PyObject *description, *title, *tags;
    if (!PyArg_ParseTuple(args, "OOO", &description, &title, &tags))
        return NULL;
    if (!r->acc) {
        PyErr_SetString(PyExc_RuntimeError, "set_features first");
        return NULL;
    }
    Py_ssize_t ntags = 0;
    int32_t *tag = int_array(tags, &ntags, "tags");
    if (!tag || check_range(tag, ntags, 0, r->nskills, "tags")) {
        PyMem_Free(tag);
        return NULL;
    }
    int mode = 0;
    if (read_parts(r, description, part_marks, &mode) == 0 && mode == 0) {
        mode = 1;
        if (read_parts(r, title, part_marks, &mode) == 0 && mode == 1) {
            for (Py_ssize_t i = 0; i < ntags; i++) {
                if (!r->acc[tag[i]] && ints_push(&r->touched, tag[i]))
                    break;
                r->acc[tag[i]] |= 1;
            }
        }
    }
    PyMem_Free(tag);
    if (PyErr_Occurred() || mode < 0) { /* an error, or a part to read in Python */
        for (Py_ssize_t i = 0; i < r->touched.n; i++)
            r->acc[r->touched.v[i]] = 0;
        r->touched.n = 0;
        if (PyErr_Occurred())
            return NULL;
        Py_RETURN_NONE;
    }
    return skill_fields(r);
}

static PyObject *reader_stats(Reader *r, PyObject *Py_UNUSED(ignored)) {
    return Py_BuildValue("(nn)", r->parts_read, r->parts_handed_back);
}

static PyMethodDef reader_methods[] = {
    {"read", (PyCFunction)reader_read, METH_O,
     "read(text) -> [(nice, skills or None, start, end)]: each part's skills; None: read it in Python"},
    {"fold", (PyCFunction)reader_fold, METH_O, "fold(data) -> bytes: the folded reading of UTF-8 data"},
    {"part_starts", (PyCFunction)reader_part_starts, METH_O,
     "part_starts(data) -> (starts, nice): where the parts of UTF-8 data start"},
    {"set_features", (PyCFunction)reader_set_features, METH_VARARGS,
     "set_features(tenths, rank, folded, named, weights, no_skills): what offer features count of each skill"},
    {"offer_skills", (PyCFunction)reader_offer_skills, METH_VARARGS,
     "offer_skills(description, title, tags) -> (required, nice, skill_names, weights, skill_total) or None"},
    {"stats", (PyCFunction)reader_stats, METH_NOARGS,
     "stats() -> (parts read, parts handed back to the Python reading)"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ReaderType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "shared.domain._wordscan.Reader",
    .tp_basicsize = sizeof(Reader),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Offer descriptions read into per-part skills (see shared/domain/matching/native.py)",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)reader_init,
    .tp_dealloc = (destructor)reader_dealloc,
    .tp_methods = reader_methods,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, .m_name = "shared.domain._wordscan",
    .m_doc = "Compiled reading of offer descriptions (decision 0092).", .m_size = -1,
};

PyMODINIT_FUNC PyInit__wordscan(void) {
    if (PyType_Ready(&ReaderType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m)
        return NULL;
    if (PyModule_AddObjectRef(m, "Reader", (PyObject *)&ReaderType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
