"""Attack-family rules: the shipped weighted patterns over normalised text.

Every pattern is written for linear time: it opens with a keyword, gaps between keywords
are bounded (``[^.\n]{0,40}``) and no quantified group can match the same text two ways.
Triggers (see :mod:`aiattest.guard.injection.rule_engine`) decide whether a rule runs.
"""

from __future__ import annotations

from aiattest.guard.injection import rule_fragments as frag
from aiattest.guard.injection.rule_engine import (
    DELIMITER_INJECTION,
    ENCODED_PAYLOAD,
    EXFILTRATION,
    INSTRUCTION_OVERRIDE,
    ROLE_PLAY_JAILBREAK,
    SYSTEM_PROMPT_EXTRACTION,
    TOOL_HIJACK,
    Rule,
    RuleHit,
    rule_score,
)
from aiattest.guard.injection.rule_engine import make_rule as _rule
from aiattest.guard.injection.rule_engine import match_rules as _match
from aiattest.guard.injection.rule_engine import words as _w

RULES: tuple[Rule, ...] = (
    # -- instruction override
    _rule(
        INSTRUCTION_OVERRIDE,
        0.95,
        rf"\b(?:{frag.OVERRIDE_VERBS})\b{frag.GAP}\b(?:{frag.PRIOR})\b{frag.SHORT}\b(?:{frag.INSTRUCTION_NOUNS})\b|"
        rf"\b(?:{frag.OVERRIDE_VERBS})\b{frag.SHORT}\b(?:{frag.INSTRUCTION_NOUNS})\b{frag.SHORT}\b(?:{frag.LATER})\b",
        (
            *_w(
                "ignore ignores ignored ignoring disregard disregarding forget "
                "forgetting skip override overriding overwrite bypass abandon discard "
                "neglect set throw pay dont do stop no cancel erase"
            ),
            "don't",
        ),
        _w(
            "instruction instructions rules guideline guidelines directive "
            "directives prompt prompts command commands constraint constraints "
            "guardrail guardrails policy policies restriction restrictions "
            "programming orders training filters"
        ),
    ),
    _rule(
        INSTRUCTION_OVERRIDE,
        0.9,
        r"\b(?:forget|disregard|ignore)\b (?:everything|all|anything|what)\b[^.\n]{0,30}?"
        r"\b(?:(?:you (?:were|have been|was) (?:told|taught|instructed|given|trained))|"
        r"above|before this|so far|previously)",
        _w("forget disregard ignore"),
        _w("told taught instructed given trained above before previously far"),
    ),
    _rule(
        INSTRUCTION_OVERRIDE,
        0.85,
        r"\b(?:new|updated|revised|real|actual|true|override|overriding|secret|priority|"
        r"admin|urgent) (?:instructions?|directives?|orders|system prompt)"
        r"\s?(?::|follow|are|is|below|now|apply|take precedence|supersede)",
        _w("new updated revised real actual true override overriding secret priority admin urgent"),
        _w("instruction instructions directive directives orders prompt"),
    ),
    _rule(
        INSTRUCTION_OVERRIDE,
        0.45,
        r"\bfrom now on\b,? (?:you (?:will|must|shall|are|should|only)|your (?:new|only|sole)|"
        r"ignore|respond only|do not|don't)",
        ("from now on",),
    ),
    _rule(
        INSTRUCTION_OVERRIDE,
        0.85,
        r"\b(?:instructions?|rules|guidelines|prompt) (?:above|before|so far) "
        r"(?:are|is|were|was) (?:void|cancel+ed|obsolete|revoked|no longer valid|fake|wrong|"
        r"outdated|a test|irrelevant|null)",
        _w("instruction instructions rules guidelines prompt"),
        _w("above before far"),
        _w(
            "void cancelled canceled obsolete revoked longer fake wrong outdated "
            "test irrelevant null"
        ),
    ),
    _rule(
        INSTRUCTION_OVERRIDE,
        0.9,
        rf"\b(?:{frag.FOREIGN_OVERRIDE})\b{frag.GAP}\b(?:{frag.FOREIGN_NOUNS})\b",
        _w(
            "ignoriere ignorieren ignorez ignorer ignora ignorar ignore ignorate "
            "ignorare ignoreer negeer negeren oublie oubliez oublier vergiss "
            "vergessen missachte olvida olvide olvidar dimentica dimenticare "
            "esqueca esquecer"
        ),
        _w(
            "instructions instruction consignes anweisungen regeln instrucciones "
            "reglas istruzioni regole instrucoes regras instructies"
        ),
    ),
    # -- indirect injection aimed at the model reading a document or tool output
    _rule(
        INSTRUCTION_OVERRIDE,
        0.85,
        rf"\b(?:note|message|instructions?|attention|important|notice)s? (?:to|for) "
        rf"(?:the |any |all )?(?:{frag.AI})s?\b|\bif you are an? (?:{frag.AI})\b",
        _w("note notes message messages instruction instructions attention important notice if"),
        frag.AI_WORDS,
    ),
    _rule(
        INSTRUCTION_OVERRIDE,
        0.85,
        rf"\b(?:{frag.AI})s? (?:reading|processing|summari[sz]ing|parsing|seeing|analy[sz]ing) "
        rf"this\b",
        frag.AI_WORDS,
        _w("reading processing summarizing summarising parsing seeing analyzing analysing"),
    ),
    # -- persona / role-play jailbreaks
    _rule(
        ROLE_PLAY_JAILBREAK,
        0.95,
        r"\bdo anything now\b|\b(?:you are|you're|act as|become|be|as) (?:now )?(?:dan|stan|"
        r"evil ?bot|bettergpt|antigpt|dev ?mode ?gpt)\b|\bdan (?:mode|prompt|jailbreak)\b",
        _w("dan stan evilbot bettergpt antigpt devmode anything"),
        anchored=False,
    ),
    _rule(
        ROLE_PLAY_JAILBREAK,
        0.9,
        r"\b(?:jailbreak|jailbroken|unrestricted|unfiltered|uncensored|opposite|chaos|evil|"
        r"dan|no ?limits?|no ?rules?) mode\b",
        _w(
            "jailbreak jailbroken unrestricted unfiltered uncensored opposite chaos "
            "evil dan no limits limit rules rule nolimits norules"
        ),
        _w("mode"),
    ),
    _rule(
        ROLE_PLAY_JAILBREAK,
        0.9,
        rf"\b(?:{frag.AI_TARGET})\b[^.\n]{{0,30}}?\b(?:developer|dev|god|sudo|admin|root) mode\b",
        _w("you chatgpt assistant ai gpt claude llm model"),
        _w("mode"),
        _w("developer dev god sudo admin root"),
    ),
    _rule(
        ROLE_PLAY_JAILBREAK,
        0.9,
        r"\b(?:developer|dev|god|sudo) mode (?:enabled|activated|engaged|unlocked|output|"
        r"response)\b",
        _w("developer dev god sudo"),
        _w("mode"),
    ),
    _rule(
        ROLE_PLAY_JAILBREAK,
        0.9,
        r"\b(?:you are|you're|you have been|you've been|stay|remain|now|i have|we have) "
        r"(?:now |been |fully |officially )?(?:jailbroken|jailbroke|freed|liberated|unchained|"
        r"unshackled)\b",
        _w("jailbroken jailbroke freed liberated unchained unshackled"),
        anchored=False,
    ),
    _rule(
        ROLE_PLAY_JAILBREAK,
        0.9,
        r"\b(?:pretend|imagine|act|behave|roleplay|role-play|respond|answer|suppose)\b"
        r"[^.\n]{0,40}?\b(?:you (?:have|had|are|were)|as if you|to be|as an?)\b[^.\n]{0,30}?"
        r"\b(?:no|without|zero|free (?:of|from)|not bound by|unbound by|beyond|outside)\b "
        r"(?:any |all |your |the )?(?:restrictions|rules|filters|limits|limitations|"
        r"guidelines|ethics|morals|morality|censorship|boundaries|safety|policies|"
        r"content polic(?:y|ies)|constraints)",
        _w("pretend imagine act behave roleplay role respond answer suppose"),
        _w(
            "restrictions rules filters limits limitations guidelines ethics morals "
            "morality censorship boundaries safety policies policy constraints"
        ),
    ),
    _rule(
        ROLE_PLAY_JAILBREAK,
        0.85,
        r"\b(?:you are now|you're now|you will now be|from now on you are|now you are|"
        r"you are no longer)\b[^.\n]{0,40}?\b(?:unrestricted|unfiltered|uncensored|evil|rogue|"
        r"amoral|immoral|unethical|lawless|malicious|without (?:any )?(?:rules|limits|"
        r"restrictions|filters)|bound by)\b",
        ("you are now", "you're now", "you will now", "now you are", "no longer"),
    ),
    _rule(
        ROLE_PLAY_JAILBREAK,
        0.8,
        r"\b(?:stay in character|never break character|don't break character|"
        r"do not break character|never refuse|you cannot refuse|you can't refuse|"
        r"must not refuse|never say (?:no|you can't|that you cannot)|"
        r"answer (?:every|any|all) questions? without (?:refus|restrict|filter))",
        (*_w("character refuse"), "never say", "answer every", "answer any", "answer all"),
        anchored=False,
    ),
    # -- system prompt extraction
    _rule(
        SYSTEM_PROMPT_EXTRACTION,
        0.9,
        rf"\b(?:{frag.REVEAL})\b{frag.NO_ARTICLE}\b(?:{frag.PROMPT_TARGETS})\b",
        _w(
            "repeat print show reveal display output tell give share leak dump "
            "write spell recite copy paste disclose expose echo return translate "
            "summarize summarise what read"
        ),
        _w("prompt instructions system developer preprompt pre"),
    ),
    _rule(
        SYSTEM_PROMPT_EXTRACTION,
        0.85,
        r"\b(?:repeat|print|output|copy|echo|write|recite|reproduce|show)\b[^.\n]{0,20}?"
        r"\b(?:everything|all text|all the text|the (?:text|words|content|lines|message|"
        r"instructions)|what's written|what is written)\b[^.\n]{0,15}?\b(?:above|before this|"
        r"preceding|prior to this|so far|from the (?:start|beginning))",
        _w("repeat print output copy echo write recite reproduce show"),
        _w("above before preceding prior far start beginning"),
    ),
    _rule(
        SYSTEM_PROMPT_EXTRACTION,
        0.8,
        r"\b(?:begin|start)\w* (?:your (?:reply|answer|response) )?with\b[^.\n]{0,10}?"
        r"[\"'`]?you are (?:a|an|chatgpt|the)\b",
        _w("begin begins start starting beginning"),
        ("you are",),
    ),
    # -- fake roles and delimiters
    _rule(
        DELIMITER_INJECTION,
        0.95,
        r"<\|(?:im_start|im_end|system|user|assistant|endoftext|start_header_id|"
        r"end_header_id|eot_id|begin_of_text)\|>|<</?sys>>|\[/?inst\]",
        ("<|", "<<", "[inst", "[/inst"),
        damp=False,
    ),
    _rule(
        DELIMITER_INJECTION,
        0.85,
        r"^[ \t>*]*(?:#{2,}|={2,}|-{3,}|\*{2,})[ \t]*(?:system|new instructions?|admin|"
        r"developer|override|root)(?:[ \t]*(?:prompt|message|override|mode|instructions?))?"
        r"[ \t]*(?::|#{2,}|={2,}|-{3,}|\*{2,}|$)",
        _w("system instruction instructions admin developer override root"),
        ("##", "==", "---", "**"),
        anchored=False,
        damp=False,
    ),
    _rule(
        DELIMITER_INJECTION,
        0.85,
        r"^[ \t>*\[(]*(?:system|developer|admin|root|sys)[ \t]*(?:message|prompt|override|"
        r"note)?[ \t]*[\])]?[ \t]*:[ \t]*(?:you|ignore|disregard|new|from now|the assistant|"
        r"the ai|override|all|always|never|do not|don't|respond|reply|answer|act|forget|"
        r"reveal|print|output)\b",
        _w("system developer admin root sys"),
        (":",),
        anchored=False,
        damp=False,
    ),
    _rule(
        DELIMITER_INJECTION,
        0.6,
        r"^[ \t]*(?:assistant|ai|chatgpt|gpt|model|bot)[ \t]*:[ \t]*"
        r"(?:sure|certainly|of course|ok|okay|absolutely|yes|understood|i will|i'll|as dan|"
        r"here is|here's|\[)",
        _w("assistant ai chatgpt gpt model bot"),
        (":",),
        anchored=False,
        damp=False,
    ),
    _rule(
        DELIMITER_INJECTION,
        0.85,
        r"</?(?:system|sys|instructions?|admin|developer|im_start|system_prompt)>|"
        r"\"role\"\s?:\s?\"(?:system|developer)\"|\bend of (?:system prompt|instructions|"
        r"user input|document)\b[^.\n]{0,20}?(?:new|begin|start|system|instructions)|"
        r"\bbegin (?:system|admin|developer|new) (?:prompt|instructions|override|message)",
        (
            "<system",
            "</system",
            "<sys",
            "</sys",
            "<instruction",
            "</instruction",
            "<admin",
            "</admin",
            "<developer",
            "</developer",
            "<im_start",
            '"role"',
            "end of",
            "begin system",
            "begin admin",
            "begin developer",
            "begin new",
        ),
        damp=False,
    ),
    _rule(DELIMITER_INJECTION, 0.45, r"</s>|<s>\s?\[", ("</s>", "<s>"), damp=False),
    # -- tool / function hijack
    _rule(
        TOOL_HIJACK,
        0.85,
        rf"\b(?:call|invoke|run|execute|trigger|use|fire)\b (?:the )?[`'\"]?{frag.TOOL_NAME}"
        r"[`'\"]?\s?(?:\(|function|tool|api|endpoint|command|action)",
        _w("call invoke run execute trigger use fire"),
        _w(
            "delete drop remove transfer send wire grant forward wipe reset disable "
            "purge destroy refund payment pay admin sudo shell exec upload export "
            "email"
        ),
        (*_w("function tool api endpoint command action"), "("),
    ),
    _rule(
        TOOL_HIJACK,
        0.85,
        r"\"(?:function_call|tool_calls?|tool_use|tool_code)\"\s?:\s?[\[{]|"
        r"\{\s?\"name\"\s?:\s?\"\w{1,60}\"\s?,\s?\"(?:arguments|args|parameters|input)\"\s?:",
        ("function_call", "tool_call", "tool_use", "tool_code", '"name"'),
        anchored=False,
    ),
    _rule(
        TOOL_HIJACK,
        0.45,
        r"\b(?:without|don't|do not|never)\b (?:asking|confirm\w*|telling|notifying|informing|"
        r"alerting|waiting for|checking with|mention\w*)\b[^.\n]{0,20}?"
        r"\b(?:the user|the customer|the human|anyone|them|approval|permission)",
        (*_w("without dont do never"), "don't"),
        _w(
            "asking confirming confirmation confirm telling notifying informing "
            "alerting waiting checking mentioning mention"
        ),
    ),
    _rule(
        TOOL_HIJACK,
        0.85,
        r"\b(?:transfer|wire|send)\b[^.\n]{0,30}?\$?\d{1,12}(?:[,.]\d{1,3}){0,4}\s?"
        r"(?:usd|eur|dollars|euros|btc)?[^.\n]{0,20}?\bto (?:account|iban|wallet|the following)",
        _w("transfer wire send"),
        _w("account iban wallet following"),
    ),
    # -- exfiltration
    _rule(
        EXFILTRATION,
        0.9,
        r"!\[[^\]\n]{0,100}\]\(\s?https?://[^\s)?]{1,200}(?P<q>\?[^\s)]{0,300})",
        ("![",),
        ("?",),
        damp=False,
        require=r"(?:\{|\}|\[|<|%7b|\$|[?&](?:data|q|secret|token|key|password|pw|prompt|"
        r"history|chat|conversation|info|msg|content|email|leak|d|p|x|s|c)=)",
    ),
    _rule(
        EXFILTRATION,
        0.85,
        r"\b(?:append|add|include|insert|encode|put|embed|attach|concatenate)\b[^.\n]{0,40}?"
        r"\b(?:conversation|chat|history|previous messages|user'?s?|password|api keys?|secrets?|"
        r"tokens?|credentials?|system prompt|email address|personal|data|summary)\b"
        r"[^.\n]{0,40}?\b(?:to|in|into|as|inside)\b (?:the |a |this )?(?:url|link|query|"
        r"query string|parameter|src|image url)\b",
        _w("append add include insert encode put embed attach concatenate"),
        _w("url link query parameter src image"),
    ),
    _rule(
        EXFILTRATION,
        0.85,
        r"\b(?:send|post|forward|upload|email|leak|exfiltrate|transmit|submit|beacon)\b"
        r"[^.\n]{0,40}?\b(?:conversation|chat history|history|previous messages|messages|"
        r"user'?s? (?:data|emails?|info|details|credentials|password)|api keys?|credentials|"
        r"passwords?|secrets?|tokens?|system prompt|the data|all data|personal data)\b"
        r"[^.\n]{0,40}?\b(?:to|at|via)\b[^.\n]{0,10}?(?:https?://|www\.|[\w.-]{1,64}@[\w-]{1,64}\.|"
        r"[\w-]{1,64}\.(?:com|net|org|io|xyz|ru|cn)\b)",
        _w("send post forward upload email leak exfiltrate transmit submit beacon"),
        (*_w("http https"), "www.", "@", ".com", ".net", ".org", ".io", ".xyz", ".ru", ".cn"),
    ),
    # -- decode-and-obey
    _rule(
        ENCODED_PAYLOAD,
        0.8,
        r"\b(?:decode|decrypt|base64|rot13|rot-13|deobfuscate)\b[^.\n]{0,40}?"
        r"\b(?:and|then)\b (?:follow|execute|obey|carry out|act on|perform)\b",
        _w("decode decrypt base64 rot13 rot deobfuscate"),
        _w("follow execute obey carry act perform"),
    ),
)
"""The shipped rules."""


def match_rules(text: str, rules: tuple[Rule, ...] = RULES) -> list[RuleHit]:
    """All rule hits in a normalised ``text`` (the shipped rules unless others are given)."""
    return _match(text, rules)


__all__ = ["RULES", "match_rules", "rule_score"]
