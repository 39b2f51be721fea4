"""The locales Lex V2 supports, with the names DescribeBotLocale reports for them.

From the Lex V2 developer guide's "Supported languages and locales" page; a locale not in
this table is refused, as the service refuses it.
"""

LOCALE_NAMES = {
    "ar_AE": "Arabic (Gulf)",
    "ca_ES": "Catalan (Spain)",
    "cy_GB": "Welsh (UK)",
    "da_DK": "Danish (Denmark)",
    "de_AT": "German (Austria)",
    "de_CH": "German (Switzerland)",
    "de_DE": "German (Germany)",
    "en_AU": "English (Australia)",
    "en_GB": "English (UK)",
    "en_IE": "English (Ireland)",
    "en_IN": "English (India)",
    "en_NZ": "English (New Zealand)",
    "en_US": "English (US)",
    "en_ZA": "English (South Africa)",
    "es_419": "Spanish (Latin America)",
    "es_ES": "Spanish (Spain)",
    "es_US": "Spanish (US)",
    "fi_FI": "Finnish (Finland)",
    "fr_CA": "French (Canada)",
    "fr_FR": "French (France)",
    "hi_IN": "Hindi (India)",
    "is_IS": "Icelandic (Iceland)",
    "it_IT": "Italian (Italy)",
    "ja_JP": "Japanese (Japan)",
    "ko_KR": "Korean (Korea)",
    "nb_NO": "Norwegian (Norway)",
    "nl_NL": "Dutch (Netherlands)",
    "pl_PL": "Polish (Poland)",
    "pt_BR": "Portuguese (Brazil)",
    "pt_PT": "Portuguese (Portugal)",
    "sv_SE": "Swedish (Sweden)",
    "tr_TR": "Turkish (Turkey)",
    "yue_HK": "Cantonese (Hong Kong)",
    "zh_CN": "Mandarin (PRC)",
}
