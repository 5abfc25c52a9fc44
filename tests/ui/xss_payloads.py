"""Script-injection payloads for the widgets' text fields.

Each payload, if it ever ran, would bump ``window.__attuneXss``; a test then asserts it is still
undefined. The list covers script tags, event-handler attributes, ``javascript:`` URLs, SVG and
MathML, CSS, template and markdown tricks, and encoded variants (entities, percent, unicode
escapes, mixed case) that slip past naive filters.
"""

from __future__ import annotations

from typing import Final

#: What every payload does when it runs.
_HIT = "window.__attuneXss=(window.__attuneXss||0)+1"

XSS_PAYLOADS: Final[tuple[str, ...]] = (
    f"<script>{_HIT}</script>",
    f"<SCRIPT>{_HIT}</SCRIPT>",
    f"<scr<script>ipt>{_HIT}</scr</script>ipt>",
    f'<script src="data:text/javascript,{_HIT}"></script>',
    f"<img src=x onerror={_HIT}>",
    f'<img src="x" onerror="{_HIT}">',
    f"<IMG SRC=x OnErRoR={_HIT}>",
    "<img src=x onerror=&#119;indow.__attuneXss=1>",
    f"<svg onload={_HIT}>",
    f"<svg><script>{_HIT}</script></svg>",
    f'<svg><a xlink:href="javascript:{_HIT}"><text x="20" y="20">go</text></a></svg>',
    f"<svg><animate onbegin={_HIT} attributeName=x dur=1s>",
    f'<math><mtext><img src=x onerror="{_HIT}"></mtext></math>',
    f"<body onload={_HIT}>",
    f'<iframe src="javascript:{_HIT}"></iframe>',
    f'<iframe srcdoc="<script>parent.{_HIT}</script>"></iframe>',
    f'<a href="javascript:{_HIT}">click me</a>',
    f'<a href="JaVaScRiPt:{_HIT}">click</a>',
    f'<a href="&#106;avascript:{_HIT}">entity</a>',
    f'<a href="java\tscript:{_HIT}">tab</a>',
    f"javascript:{_HIT}",
    f'<div onmouseover="{_HIT}">hover</div>',
    f'<div onclick="{_HIT}" style="position:fixed;inset:0">cover</div>',
    f'<input autofocus onfocus="{_HIT}">',
    f'<details open ontoggle="{_HIT}">',
    f'<video><source onerror="{_HIT}"></video>',
    f'<audio src=x onerror="{_HIT}">',
    f'<object data="javascript:{_HIT}"></object>',
    f'<embed src="javascript:{_HIT}">',
    f'<form action="javascript:{_HIT}"><button>go</button></form>',
    f'<meta http-equiv="refresh" content="0;url=javascript:{_HIT}">',
    f'<link rel="stylesheet" href="javascript:{_HIT}">',
    f"<style>@import 'javascript:{_HIT}';</style>",
    f'<div style="background:url(javascript:{_HIT})">bg</div>',
    f'<marquee onstart="{_HIT}">m</marquee>',
    f'"><script>{_HIT}</script>',
    f"'><img src=x onerror={_HIT}>",
    f'" onmouseover="{_HIT}" x="',
    f"' onfocus='{_HIT}' autofocus '",
    f"</textarea><script>{_HIT}</script>",
    f"</title><script>{_HIT}</script>",
    f"<!--<img src=x onerror={_HIT}>-->",
    f"&lt;script&gt;{_HIT}&lt;/script&gt;",
    f"%3Cscript%3E{_HIT}%3C/script%3E",
    f"\\u003cscript\\u003e{_HIT}\\u003c/script\\u003e",
    f"<svg/onload={_HIT}>",
    f"<img src=x onerror=\"eval(atob('{'d2luZG93Ll9fYXR0dW5lWHNzPTE='}'))\">",
    f"{{{{constructor.constructor('{_HIT}')()}}}}",
    f"${{{_HIT}}}",
    f"[click](javascript:{_HIT})",
    f'![x](x" onerror="{_HIT})',
    f'<template><img src=x onerror="{_HIT}"></template>',
    f'<noscript><p title="</noscript><img src=x onerror={_HIT}>">',
    f'<base href="javascript:{_HIT}//">',
    f"<isindex type=image src=1 onerror={_HIT}>",
)
