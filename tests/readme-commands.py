#!/usr/bin/env python3
# readme-commands.py README [EXTERNAL]: the command lines of README's
# indented code blocks that call a crm-* program, one a line as
# "LINE<TAB>KIND<TAB>TEXT", run in the directory the commands are meant
# for:
#   whole    TEXT is the line, crm-* programs only, its files at hand:
#            run it whole
#   parse    TEXT is one crm-* call of a line that cannot run whole here
#            (another program, a /srv path, a shell variable, a missing
#            file), its redirections taken out: it must parse
#   missing  TEXT is a program the line pipes to that does not exist
# EXTERNAL: programs (by blank) a line may use that need not exist.
import os
import shlex
import shutil
import sys

readme = sys.argv[1]
external = set(sys.argv[2].split()) if len(sys.argv) > 2 else set()
SHELL = {"while", "do", "done", "for", "if", "then", "fi", "exec",
         "export", "set", "cd", "read", "echo", "true", "false", "test"}
SEPS = {"|", "||", "&&", ";", "&", "(", ")"}
REDIR = {">", ">>", "<", "<<", ">&", "<&"}
FILES = (".csv", ".tsv", ".txt", ".playbook", ".xlsx", ".db")

lines = open(readme, encoding="utf-8").read().split("\n")
i = 0
while i < len(lines):
    start = i + 1
    text = lines[i]
    i += 1
    if not text.startswith("    "):
        continue
    while text.endswith("\\") and i < len(lines):
        text = text[:-1] + " " + lines[i].strip()
        i += 1
    text = text.strip()
    if text.startswith("$ "):
        text = text[2:]
    lex = shlex.shlex(text, posix=True, punctuation_chars="|&;<>()")
    lex.whitespace_split = True
    try:
        toks = list(lex)
    except ValueError:
        continue
    if not any(t.startswith("crm-") for t in toks):
        continue
    # Simple commands, their redirections taken out.
    segs, cur, skip = [], [], False
    for t in toks:
        if skip:
            skip = False
            continue
        if t in SEPS:
            segs.append(cur)
            cur = []
        elif t in REDIR:
            skip = True
            if cur and cur[-1].isdigit():
                cur.pop()
        else:
            cur.append(t)
    segs.append(cur)
    segs = [s for s in segs if s]
    whole = "/srv/" not in text and "$" not in text
    out = []
    for s in segs:
        prog = s[0]
        if prog.startswith("crm-"):
            if shutil.which(prog) is None:
                out.append("%d\tmissing\t%s" % (start, prog))
            for a in s[1:]:
                if (a.endswith(FILES) and not a.startswith("-") and
                        "=" not in a and not os.path.exists(a)):
                    whole = False
            continue
        whole = False
        if prog in SHELL or prog in external:
            continue
        if shutil.which(prog) is None:
            out.append("%d\tmissing\t%s" % (start, prog))
    if whole:
        out.append("%d\twhole\t%s" % (start, text))
    else:
        for s in segs:
            if s[0].startswith("crm-"):
                out.append("%d\tparse\t%s" % (start, shlex.join(s)))
    for o in out:
        print(o)
