"""Independent reference for neurolab's Lempel-Ziv complexity (src/analysis/lempelZiv.ts).

Implements the LZ76 parsing straight from its definition (Lempel & Ziv 1976): starting at
position p, the next component is the shortest word s[p:p+L+1] whose prefix s[p:p+L] is the
longest word that occurs in s starting at some index < p (the copy may overlap p; it must end
before the component's last symbol). The last component is counted even when it is a copy.
This is a different algorithm from the Kaspar-Schuster pointer scheme neurolab uses.

Reads JSON {"sequences": [[...], ...]} from the file named in argv[1]; prints JSON
{"c": [...], "normalized": [...]} (normalised by n / log2 n, null when n < 2).
"""
import json
import math
import sys


def lz76(s):
    n = len(s)
    if n == 0:
        return 0
    c = 0
    p = 0
    text = tuple(s)
    while p < n:
        length = 0
        # grow the copied prefix while s[p:p+length+1] occurs starting before p
        while p + length < n:
            word = text[p:p + length + 1]
            found = False
            for start in range(0, p):
                if text[start:start + length + 1] == word:
                    found = True
                    break
            if not found:
                break
            length += 1
        c += 1
        p += length + 1
    return c


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    cs = [lz76(s) for s in data["sequences"]]
    norm = [c / (len(s) / math.log2(len(s))) if len(s) >= 2 else None for c, s in zip(cs, data["sequences"])]
    print(json.dumps({"c": cs, "normalized": norm}))


if __name__ == "__main__":
    main()
