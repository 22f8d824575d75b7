// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/language.h"

#include <stdint.h>
#include <string.h>

#include "core/escape.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = utf8_decode(p + i, len - i, &cp);

		if (!n)
			return false;
		i += n;
	}
	return true;
}

/* ---- the scripts one language writes (or the first of the few that do) ---- */

static const struct script_range {
	unsigned lo, hi;
	const char *code, *name, *script;
} scripts[] = {
	{ 0x0370, 0x03ff, "el", "Greek", "Greek" },
	{ 0x0530, 0x058f, "hy", "Armenian", "Armenian" },
	{ 0x0590, 0x05ff, "he", "Hebrew", "Hebrew" },
	{ 0x0900, 0x097f, "hi", "Hindi", "Devanagari" },
	{ 0x0980, 0x09ff, "bn", "Bengali", "Bengali" },
	{ 0x0a00, 0x0a7f, "pa", "Punjabi", "Gurmukhi" },
	{ 0x0a80, 0x0aff, "gu", "Gujarati", "Gujarati" },
	{ 0x0b80, 0x0bff, "ta", "Tamil", "Tamil" },
	{ 0x0c00, 0x0c7f, "te", "Telugu", "Telugu" },
	{ 0x0c80, 0x0cff, "kn", "Kannada", "Kannada" },
	{ 0x0d00, 0x0d7f, "ml", "Malayalam", "Malayalam" },
	{ 0x0d80, 0x0dff, "si", "Sinhala", "Sinhala" },
	{ 0x0e00, 0x0e7f, "th", "Thai", "Thai" },
	{ 0x0e80, 0x0eff, "lo", "Lao", "Lao" },
	{ 0x1000, 0x109f, "my", "Burmese", "Myanmar" },
	{ 0x10a0, 0x10ff, "ka", "Georgian", "Georgian" },
	{ 0x1200, 0x139f, "am", "Amharic", "Ethiopic" },
	{ 0x1780, 0x17ff, "km", "Khmer", "Khmer" },
};

enum {
	S_KANA, S_HANGUL, S_HAN, S_HAN_SIMPLIFIED, S_HAN_TRADITIONAL, S_CYRILLIC, S_ARABIC, S_ARABIC_PERSIAN,
	S_LATIN_EXTRA, S_LATIN, S_COUNT
};

/* Han characters common in system messages whose simplified and traditional forms differ: the first of each pair is simplified. */
static const unsigned han_pairs[][2] = {
	{ 0x65e0, 0x7121 }, /* 无 無 */ { 0x8d44, 0x8cc7 }, /* 资 資 */ { 0x65f6, 0x6642 }, /* 时 時 */
	{ 0x4eec, 0x5011 }, /* 们 們 */ { 0x8fd9, 0x9019 }, /* 这 這 */ { 0x4e2a, 0x500b }, /* 个 個 */
	{ 0x4e3a, 0x70ba }, /* 为 為 */ { 0x53d1, 0x767c }, /* 发 發 */ { 0x8fc7, 0x904e }, /* 过 過 */
	{ 0x8fdb, 0x9032 }, /* 进 進 */ { 0x7edf, 0x7d71 }, /* 统 統 */ { 0x8c03, 0x8abf }, /* 调 調 */
	{ 0x8d25, 0x6557 }, /* 败 敗 */ { 0x5185, 0x5167 }, /* 内 內 */ { 0x591f, 0x5920 }, /* 够 夠 */
	{ 0x521b, 0x5275 }, /* 创 創 */ { 0x7ebf, 0x7dda }, /* 线 線 */ { 0x6267, 0x57f7 }, /* 执 執 */
	{ 0x5757, 0x584a }, /* 块 塊 */ { 0x9519, 0x932f }, /* 错 錯 */ { 0x8bef, 0x8aa4 }, /* 误 誤 */
	{ 0x6ca1, 0x6c92 }, /* 没 沒 */ { 0x73b0, 0x73fe }, /* 现 現 */ { 0x8bb8, 0x8a31 }, /* 许 許 */
	{ 0x8bbe, 0x8a2d }, /* 设 設 */ { 0x5907, 0x5099 }, /* 备 備 */ { 0x95f4, 0x9593 }, /* 间 間 */
	{ 0x8fd8, 0x9084 }, /* 还 還 */ { 0x8bf7, 0x8acb }, /* 请 請 */ { 0x5f00, 0x958b }, /* 开 開 */
	{ 0x5173, 0x95dc }, /* 关 關 */ { 0x6570, 0x6578 }, /* 数 數 */ { 0x8fde, 0x9023 }, /* 连 連 */
	{ 0x52a1, 0x52d9 }, /* 务 務 */ { 0x7f51, 0x7db2 }, /* 网 網 */ { 0x8bfb, 0x8b80 }, /* 读 讀 */
	{ 0x5199, 0x5beb }, /* 写 寫 */ { 0x6743, 0x6b0a }, /* 权 權 */ { 0x6ee1, 0x6eff }, /* 满 滿 */
	{ 0x957f, 0x9577 }, /* 长 長 */ { 0x5f55, 0x9304 }, /* 录 錄 */ { 0x70b9, 0x9ede }, /* 点 點 */
	{ 0x52a8, 0x52d5 }, /* 动 動 */ { 0x6001, 0x614b }, /* 态 態 */ { 0x7ec8, 0x7d42 }, /* 终 終 */
	{ 0x7ed3, 0x7d50 }, /* 结 結 */ { 0x53f7, 0x865f }, /* 号 號 */ { 0x7c7b, 0x985e }, /* 类 類 */
	{ 0x7ea7, 0x7d1a }, /* 级 級 */ { 0x65ad, 0x65b7 }, /* 断 斷 */ { 0x6740, 0x6bba }, /* 杀 殺 */
	{ 0x865a, 0x865b }, /* 虚 虛 */ { 0x62df, 0x64ec }, /* 拟 擬 */ { 0x5fc6, 0x61b6 }, /* 忆 憶 */
	{ 0x4f53, 0x9ad4 }, /* 体 體 */ { 0x6863, 0x6a94 }, /* 档 檔 */ { 0x8bb0, 0x8a18 }, /* 记 記 */
	{ 0x5206, 0 },      /* (分: both) */
};

/* ---- the Latin-script languages, told by their letters and short words ---- */

enum latin_lang {
	L_EN, L_DE, L_FR, L_ES, L_PT, L_IT, L_NL, L_PL, L_CS, L_SK, L_SL, L_HR, L_TR, L_VI, L_HU, L_RO, L_SV, L_DA,
	L_NB, L_FI, L_ET, L_LT, L_LV, L_CA, L_ID, L_IS, L_EO, L_COUNT
};

static const struct {
	const char *code, *name;
} latin_names[L_COUNT] = {
	[L_EN] = { "en", "English" },     [L_DE] = { "de", "German" },     [L_FR] = { "fr", "French" },
	[L_ES] = { "es", "Spanish" },     [L_PT] = { "pt", "Portuguese" }, [L_IT] = { "it", "Italian" },
	[L_NL] = { "nl", "Dutch" },       [L_PL] = { "pl", "Polish" },     [L_CS] = { "cs", "Czech" },
	[L_SK] = { "sk", "Slovak" },      [L_SL] = { "sl", "Slovenian" },  [L_HR] = { "hr", "Croatian" },
	[L_TR] = { "tr", "Turkish" },     [L_VI] = { "vi", "Vietnamese" }, [L_HU] = { "hu", "Hungarian" },
	[L_RO] = { "ro", "Romanian" },    [L_SV] = { "sv", "Swedish" },    [L_DA] = { "da", "Danish" },
	[L_NB] = { "nb", "Norwegian" },   [L_FI] = { "fi", "Finnish" },    [L_ET] = { "et", "Estonian" },
	[L_LT] = { "lt", "Lithuanian" },  [L_LV] = { "lv", "Latvian" },    [L_CA] = { "ca", "Catalan" },
	[L_ID] = { "id", "Indonesian" },  [L_IS] = { "is", "Icelandic" },  [L_EO] = { "eo", "Esperanto" },
};

#define B(l) (1u << (l))

/* A letter (lower case) and the languages that write it: one language, 3 points; a few, 1 each. */
static const struct {
	unsigned cp;
	uint32_t langs;
} latin_letters[] = {
	{ 0x00df, B(L_DE) },                                            /* ß */
	{ 0x00e4, B(L_DE) | B(L_SV) | B(L_FI) | B(L_ET) | B(L_SK) },    /* ä */
	{ 0x00f6, B(L_DE) | B(L_SV) | B(L_FI) | B(L_ET) | B(L_HU) | B(L_TR) | B(L_IS) }, /* ö */
	{ 0x00fc, B(L_DE) | B(L_TR) | B(L_HU) | B(L_ET) | B(L_ES) },    /* ü */
	{ 0x00e9, B(L_FR) | B(L_ES) | B(L_PT) | B(L_IT) | B(L_CS) | B(L_SK) | B(L_HU) | B(L_CA) | B(L_IS) }, /* é */
	{ 0x00e8, B(L_FR) | B(L_IT) | B(L_CA) },                        /* è */
	{ 0x00ea, B(L_FR) | B(L_PT) | B(L_VI) },                        /* ê */
	{ 0x00eb, B(L_FR) | B(L_NL) },                                  /* ë */
	{ 0x00e7, B(L_FR) | B(L_PT) | B(L_CA) | B(L_TR) },              /* ç */
	{ 0x00e0, B(L_FR) | B(L_IT) | B(L_PT) | B(L_CA) | B(L_VI) },    /* à */
	{ 0x00f9, B(L_FR) | B(L_IT) },                                  /* ù */
	{ 0x00e2, B(L_FR) | B(L_PT) | B(L_RO) | B(L_VI) },              /* â */
	{ 0x00ee, B(L_FR) | B(L_RO) },                                  /* î */
	{ 0x00f4, B(L_FR) | B(L_PT) | B(L_SK) | B(L_VI) },              /* ô */
	{ 0x00fb, B(L_FR) },                                            /* û */
	{ 0x00ef, B(L_FR) | B(L_CA) | B(L_NL) },                        /* ï */
	{ 0x0153, B(L_FR) },                                            /* œ */
	{ 0x00f1, B(L_ES) },                                            /* ñ */
	{ 0x00bf, B(L_ES) },                                            /* ¿ */
	{ 0x00a1, B(L_ES) },                                            /* ¡ */
	{ 0x00e1, B(L_ES) | B(L_PT) | B(L_CS) | B(L_SK) | B(L_HU) | B(L_IS) | B(L_VI) }, /* á */
	{ 0x00ed, B(L_ES) | B(L_PT) | B(L_CS) | B(L_SK) | B(L_HU) | B(L_CA) | B(L_IS) | B(L_VI) | B(L_IT) }, /* í */
	{ 0x00f3, B(L_ES) | B(L_PT) | B(L_CS) | B(L_SK) | B(L_HU) | B(L_CA) | B(L_IS) | B(L_PL) | B(L_VI) }, /* ó */
	{ 0x00fa, B(L_ES) | B(L_PT) | B(L_CS) | B(L_SK) | B(L_HU) | B(L_CA) | B(L_IS) | B(L_VI) }, /* ú */
	{ 0x00e3, B(L_PT) | B(L_VI) },                                  /* ã */
	{ 0x00f5, B(L_PT) | B(L_ET) },                                  /* õ */
	{ 0x00ec, B(L_IT) | B(L_VI) },                                  /* ì */
	{ 0x00f2, B(L_IT) | B(L_CA) | B(L_VI) },                        /* ò */
	{ 0x00fd, B(L_CS) | B(L_SK) | B(L_IS) | B(L_VI) },              /* ý */
	{ 0x011b, B(L_CS) },                                            /* ě */
	{ 0x0159, B(L_CS) },                                            /* ř */
	{ 0x016f, B(L_CS) },                                            /* ů */
	{ 0x010d, B(L_CS) | B(L_SK) | B(L_SL) | B(L_HR) | B(L_LT) | B(L_LV) }, /* č */
	{ 0x0161, B(L_CS) | B(L_SK) | B(L_SL) | B(L_HR) | B(L_LT) | B(L_LV) | B(L_ET) }, /* š */
	{ 0x017e, B(L_CS) | B(L_SK) | B(L_SL) | B(L_HR) | B(L_LT) | B(L_LV) | B(L_ET) }, /* ž */
	{ 0x0165, B(L_CS) | B(L_SK) },                                  /* ť */
	{ 0x010f, B(L_CS) | B(L_SK) },                                  /* ď */
	{ 0x0148, B(L_CS) | B(L_SK) },                                  /* ň */
	{ 0x013e, B(L_SK) },                                            /* ľ */
	{ 0x013a, B(L_SK) },                                            /* ĺ */
	{ 0x0155, B(L_SK) },                                            /* ŕ */
	{ 0x0107, B(L_PL) | B(L_HR) },                                  /* ć */
	{ 0x0111, B(L_HR) | B(L_VI) },                                  /* đ */
	{ 0x0142, B(L_PL) },                                            /* ł */
	{ 0x0144, B(L_PL) },                                            /* ń */
	{ 0x015b, B(L_PL) },                                            /* ś */
	{ 0x017a, B(L_PL) },                                            /* ź */
	{ 0x017c, B(L_PL) },                                            /* ż */
	{ 0x0105, B(L_PL) | B(L_LT) },                                  /* ą */
	{ 0x0119, B(L_PL) | B(L_LT) },                                  /* ę */
	{ 0x011f, B(L_TR) },                                            /* ğ */
	{ 0x0131, B(L_TR) },                                            /* ı */
	{ 0x015f, B(L_TR) | B(L_RO) },                                  /* ş */
	{ 0x0151, B(L_HU) },                                            /* ő */
	{ 0x0171, B(L_HU) },                                            /* ű */
	{ 0x0103, B(L_RO) | B(L_VI) },                                  /* ă */
	{ 0x0219, B(L_RO) },                                            /* ș */
	{ 0x021b, B(L_RO) },                                            /* ț */
	{ 0x0163, B(L_RO) },                                            /* ţ */
	{ 0x01a1, B(L_VI) },                                            /* ơ */
	{ 0x01b0, B(L_VI) },                                            /* ư */
	{ 0x00e5, B(L_SV) | B(L_DA) | B(L_NB) },                        /* å */
	{ 0x00e6, B(L_DA) | B(L_NB) | B(L_IS) },                        /* æ */
	{ 0x00f8, B(L_DA) | B(L_NB) },                                  /* ø */
	{ 0x0117, B(L_LT) },                                            /* ė */
	{ 0x012f, B(L_LT) },                                            /* į */
	{ 0x0173, B(L_LT) },                                            /* ų */
	{ 0x016b, B(L_LT) | B(L_LV) },                                  /* ū */
	{ 0x0101, B(L_LV) },                                            /* ā */
	{ 0x0113, B(L_LV) },                                            /* ē */
	{ 0x012b, B(L_LV) },                                            /* ī */
	{ 0x0123, B(L_LV) },                                            /* ģ */
	{ 0x0137, B(L_LV) },                                            /* ķ */
	{ 0x013c, B(L_LV) },                                            /* ļ */
	{ 0x0146, B(L_LV) },                                            /* ņ */
	{ 0x00fe, B(L_IS) },                                            /* þ */
	{ 0x00f0, B(L_IS) },                                            /* ð */
	{ 0x0109, B(L_EO) }, { 0x011d, B(L_EO) }, { 0x0125, B(L_EO) }, { 0x0135, B(L_EO) }, { 0x015d, B(L_EO) },
	{ 0x016d, B(L_EO) },                                            /* ĉ ĝ ĥ ĵ ŝ ŭ */
	{ 0x0140, B(L_CA) },                                            /* ŀ */
};

/* Short words of each language as system messages use them (lower case, whole words): 2 points each. */
static const struct {
	enum latin_lang lang;
	const char *word;
} latin_words[] = {
	{ L_EN, "the" }, { L_EN, "not" }, { L_EN, "cannot" }, { L_EN, "can't" }, { L_EN, "failed" },
	{ L_EN, "unable" }, { L_EN, "resource" }, { L_EN, "temporarily" }, { L_EN, "unavailable" },
	{ L_EN, "memory" }, { L_EN, "allocate" }, { L_EN, "error" }, { L_EN, "could" }, { L_EN, "out" },
	{ L_EN, "of" }, { L_EN, "to" }, { L_EN, "is" }, { L_EN, "no" }, { L_EN, "such" }, { L_EN, "denied" },
	{ L_EN, "process" }, { L_EN, "killed" }, { L_EN, "limit" }, { L_EN, "too" }, { L_EN, "many" },
	{ L_DE, "nicht" }, { L_DE, "ist" }, { L_DE, "die" }, { L_DE, "der" }, { L_DE, "das" }, { L_DE, "kann" },
	{ L_DE, "konnte" }, { L_DE, "zur" }, { L_DE, "zeit" }, { L_DE, "speicher" }, { L_DE, "fehlgeschlagen" },
	{ L_DE, "verweigert" }, { L_DE, "zugriff" }, { L_DE, "zu" }, { L_DE, "viele" },
	{ L_FR, "impossible" }, { L_FR, "ne" }, { L_FR, "pas" }, { L_FR, "est" }, { L_FR, "le" }, { L_FR, "la" },
	{ L_FR, "les" }, { L_FR, "du" }, { L_FR, "des" }, { L_FR, "temporairement" }, { L_FR, "ressource" },
	{ L_FR, "d'allouer" }, { L_FR, "trop" }, { L_FR, "non" },
	{ L_ES, "se" }, { L_ES, "puede" }, { L_ES, "el" }, { L_ES, "los" }, { L_ES, "las" }, { L_ES, "del" },
	{ L_ES, "recurso" }, { L_ES, "temporalmente" }, { L_ES, "demasiados" }, { L_ES, "no" },
	{ L_PT, "recurso" }, { L_PT, "temporariamente" }, { L_PT, "falhou" }, { L_PT, "do" }, { L_PT, "da" },
	{ L_PT, "os" }, { L_PT, "muitos" }, { L_PT, "foi" },
	{ L_IT, "non" }, { L_IT, "impossibile" }, { L_IT, "risorsa" }, { L_IT, "temporaneamente" },
	{ L_IT, "disponibile" }, { L_IT, "il" }, { L_IT, "di" }, { L_IT, "della" }, { L_IT, "troppi" },
	{ L_NL, "niet" }, { L_NL, "kan" }, { L_NL, "het" }, { L_NL, "een" }, { L_NL, "geheugen" },
	{ L_NL, "tijdelijk" }, { L_NL, "beschikbaar" }, { L_NL, "mislukt" }, { L_NL, "te" }, { L_NL, "veel" },
	{ L_PL, "nie" }, { L_PL, "tymczasowo" }, { L_PL, "zbyt" }, { L_PL, "wiele" },
	{ L_CS, "nelze" }, { L_CS, "prostředek" }, { L_CS, "příliš" },
	{ L_SK, "nie" }, { L_SK, "je" }, { L_SK, "príliš" },
	{ L_SL, "ni" }, { L_SL, "preveč" },
	{ L_HR, "nije" }, { L_HR, "previše" },
	{ L_SV, "inte" }, { L_SV, "kan" }, { L_SV, "minne" }, { L_SV, "tillfälligt" }, { L_SV, "för" },
	{ L_DA, "ikke" }, { L_DA, "kan" }, { L_DA, "hukommelse" }, { L_DA, "midlertidigt" }, { L_DA, "for" },
	{ L_NB, "ikke" }, { L_NB, "minne" }, { L_NB, "midlertidig" }, { L_NB, "for" },
	{ L_FI, "ei" }, { L_FI, "voi" }, { L_FI, "muistia" }, { L_FI, "tilapäisesti" }, { L_FI, "liian" },
	{ L_ET, "ei" }, { L_ET, "saa" }, { L_ET, "liiga" },
	{ L_ID, "tidak" }, { L_ID, "dapat" }, { L_ID, "sumber" }, { L_ID, "daya" }, { L_ID, "memori" },
	{ L_ID, "sementara" }, { L_ID, "gagal" }, { L_ID, "terlalu" },
	{ L_TR, "bellek" }, { L_TR, "kaynak" }, { L_TR, "fazla" }, { L_TR, "çok" },
	{ L_RO, "nu" }, { L_RO, "poate" }, { L_RO, "memorie" }, { L_RO, "temporar" }, { L_RO, "prea" },
	{ L_HU, "nem" }, { L_HU, "lehet" }, { L_HU, "túl" }, { L_HU, "sok" },
	{ L_CA, "recurs" }, { L_CA, "temporalment" }, { L_CA, "massa" }, { L_CA, "no" },
	{ L_VI, "không" }, { L_VI, "thể" }, { L_VI, "quá" },
	{ L_LT, "ne" }, { L_LT, "per" }, { L_LV, "nav" }, { L_LV, "pārāk" },
	{ L_IS, "ekki" }, { L_EO, "ne" }, { L_EO, "povas" },
};

/* Lower case of a Latin letter: ASCII, Latin-1 (but ×), and Latin Extended-A's pairs. */
static unsigned latin_lower(unsigned cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		return cp + 32;
	if (cp >= 0x100 && cp <= 0x17f && cp != 0x130 && cp != 0x131 && cp != 0x138 && cp != 0x149 && cp != 0x17f) {
		/* the pairs run even-odd, except 0x139-0x148 and 0x179-0x17e, which run odd-even */
		if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
			return (cp & 1) ? cp + 1 : cp;
		return cp | 1;
	}
	if (cp == 0x130)
		return 'i';
	if (cp >= 0x218 && cp <= 0x21b)
		return cp | 1;
	if (cp == 0x1a0 || cp == 0x1af)
		return cp + 1;
	return cp;
}

static bool is_letter_cp(unsigned cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '\'' || (cp >= 0xc0 && cp != 0xd7 && cp != 0xf7);
}

/* The points of the Latin-script languages for one word (lower case UTF-8, w[0..n)). */
static void score_word(const char *w, size_t n, unsigned *score)
{
	for (size_t i = 0; i < COUNT(latin_words); i++)
		if (strlen(latin_words[i].word) == n && memcmp(latin_words[i].word, w, n) == 0)
			score[latin_words[i].lang] += 2;
}

static void put_utf8(char *out, size_t *n, unsigned cp)
{
	if (cp < 0x80) {
		out[(*n)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*n)++] = (char)(0xc0 | (cp >> 6));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		out[(*n)++] = (char)(0xe0 | (cp >> 12));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		out[(*n)++] = (char)(0xf0 | (cp >> 18));
		out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	}
}

static void count_cp(unsigned cp, unsigned *n, unsigned *script_n, unsigned *cyr, unsigned *score)
{
	if (cp >= 0x3040 && cp <= 0x30ff)
		n[S_KANA]++;
	else if ((cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0x3130 && cp <= 0x318f))
		n[S_HANGUL]++;
	else if ((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0xf900 && cp <= 0xfaff)) {
		n[S_HAN]++;
		for (size_t i = 0; i < COUNT(han_pairs); i++) {
			if (cp == han_pairs[i][0] && han_pairs[i][1])
				n[S_HAN_SIMPLIFIED]++;
			else if (cp == han_pairs[i][1])
				n[S_HAN_TRADITIONAL]++;
		}
	} else if (cp >= 0x0400 && cp <= 0x04ff) {
		n[S_CYRILLIC]++;
		cyr[cp - 0x400]++;
	} else if (cp >= 0x0600 && cp <= 0x06ff) {
		n[S_ARABIC]++;
		if (cp == 0x067e || cp == 0x0686 || cp == 0x0698 || cp == 0x06af || cp == 0x06cc)
			n[S_ARABIC_PERSIAN]++;
	} else if (cp >= 0x1ea0 && cp <= 0x1ef9) {
		n[S_LATIN_EXTRA]++;
		score[L_VI] += 3;
	} else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= 0xc0 && cp <= 0x24f)) {
		n[S_LATIN]++;
	} else {
		for (size_t i = 0; i < COUNT(scripts); i++)
			if (cp >= scripts[i].lo && cp <= scripts[i].hi) {
				script_n[i]++;
				break;
			}
	}
}

/* The letter's points: 3 to its one language, 1 to each of a few. */
static void score_letter(unsigned cp, unsigned *score)
{
	for (size_t i = 0; i < COUNT(latin_letters); i++) {
		if (latin_letters[i].cp != cp)
			continue;
		uint32_t m = latin_letters[i].langs;
		unsigned pts = (m & (m - 1)) ? 1 : 3;

		for (int l = 0; l < L_COUNT; l++)
			if (m & B(l))
				score[l] += pts;
		return;
	}
}

/* How many of the line's letters (cyr: counts by code point from U+0400) are among letters (UTF-8). */
static unsigned cyrillic_count(const unsigned *cyr, const char *letters)
{
	const unsigned char *p = (const unsigned char *)letters;
	size_t len = strlen(letters), k;
	unsigned cp, sum = 0;

	for (size_t i = 0; i < len; i += k) {
		k = utf8_decode(p + i, len - i, &cp);
		if (!k)
			break;
		sum += cyr[cp - 0x400];
	}
	return sum;
}

/* The Cyrillic languages: Ukrainian і ї є ґ, Belarusian ў, Serbian and Macedonian ђ ј љ њ ћ џ ѓ ќ ѕ, Kazakh ә ғ қ ң ө ұ ү һ, Bulgarian without ы э ё. */
static void cyrillic_language(const unsigned *cyr, struct language_guess *ret)
{
	unsigned uk = cyrillic_count(cyr, u8"іІїЇєЄґҐ"), be = cyrillic_count(cyr, u8"ўЎ");
	unsigned sr = cyrillic_count(cyr, u8"ђјљњћџ"), mk = cyrillic_count(cyr, u8"ѓќѕ");
	unsigned kk = cyrillic_count(cyr, u8"әғқңөұүһ"), ru = cyrillic_count(cyr, u8"ыЫэЭёЁ");
	unsigned hard = cyrillic_count(cyr, u8"ъЪ");

	*ret = (struct language_guess){ "ru", "Russian", "Cyrillic" };
	if (kk)
		*ret = (struct language_guess){ "kk", "Kazakh", "Cyrillic" };
	else if (uk && uk >= be)
		*ret = (struct language_guess){ "uk", "Ukrainian", "Cyrillic" };
	else if (be)
		*ret = (struct language_guess){ "be", "Belarusian", "Cyrillic" };
	else if (mk)
		*ret = (struct language_guess){ "mk", "Macedonian", "Cyrillic" };
	else if (sr)
		*ret = (struct language_guess){ "sr", "Serbian", "Cyrillic" };
	else if (!ru && hard)
		*ret = (struct language_guess){ "bg", "Bulgarian", "Cyrillic" };
}

bool language_guess(const char *s, size_t len, struct language_guess *ret)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned n[S_COUNT] = { 0 }, script_n[COUNT(scripts)] = { 0 }, cyr[0x100] = { 0 }, score[L_COUNT] = { 0 };
	char word[64];
	size_t wn = 0, best_script = 0;
	bool word_long = false;
	unsigned most = 0;
	int best = -1;

	if (len > LANGUAGE_SCAN_MAX)
		len = LANGUAGE_SCAN_MAX;
	for (size_t i = 0; i <= len;) {
		unsigned cp = ' ';
		size_t k = 1;

		if (i < len) {
			k = utf8_decode(p + i, len - i, &cp);
			if (!k) {
				k = 1;
				cp = ' ';
			}
		}
		i += k;
		count_cp(cp, n, script_n, cyr, score);
		if (is_letter_cp(cp)) {
			unsigned lc = latin_lower(cp);

			score_letter(lc, score);
			if (wn + 4 < sizeof(word))
				put_utf8(word, &wn, lc);
			else
				word_long = true;
			continue;
		}
		if (wn && !word_long)
			score_word(word, wn, score);
		wn = 0;
		word_long = false;
	}

	/* a script of its own: the language that writes it */
	for (size_t i = 0; i < COUNT(scripts); i++)
		if (script_n[i] > script_n[best_script])
			best_script = i;
	if (n[S_KANA] && n[S_KANA] + n[S_HAN] >= n[S_HANGUL]) {
		*ret = (struct language_guess){ "ja", "Japanese", "Japanese (kana and kanji)" };
		return true;
	}
	if (n[S_HANGUL]) {
		*ret = (struct language_guess){ "ko", "Korean", "Hangul" };
		return true;
	}
	if (n[S_HAN]) {
		if (n[S_HAN_TRADITIONAL] > n[S_HAN_SIMPLIFIED])
			*ret = (struct language_guess){ "zh_TW", "Chinese (traditional)", "Han" };
		else
			*ret = (struct language_guess){ "zh_CN", "Chinese (simplified)", "Han" };
		return true;
	}
	if (n[S_CYRILLIC] && n[S_CYRILLIC] >= script_n[best_script]) {
		cyrillic_language(cyr, ret);
		return true;
	}
	if (n[S_ARABIC] && n[S_ARABIC] >= script_n[best_script]) {
		*ret = n[S_ARABIC_PERSIAN] ? (struct language_guess){ "fa", "Persian", "Arabic" }
					   : (struct language_guess){ "ar", "Arabic", "Arabic" };
		return true;
	}
	if (script_n[best_script]) {
		*ret = (struct language_guess){ scripts[best_script].code, scripts[best_script].name, scripts[best_script].script };
		return true;
	}
	/* the Latin script: the language with the most points, if above English's */
	for (int l = L_EN + 1; l < L_COUNT; l++)
		if (score[l] > most) {
			most = score[l];
			best = l;
		}
	if (best < 0 || most < 2 || most <= score[L_EN])
		return false;
	*ret = (struct language_guess){ latin_names[best].code, latin_names[best].name, "Latin" };
	return true;
}

/* ---- legacy encodings ---- */

size_t legacy_encodings(const char *s, size_t len, const char **ret, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned high = 0, runs = 0, odd_runs = 0, c0_df = 0, e0_ff = 0, x80_9f = 0;
	unsigned euc_kana = 0, sjis_kana = 0, big5_low_trail = 0, hangul_lead = 0, sjis_lead = 0, pairs = 0, c0_up = 0;
	const char *order[12];
	size_t n = 0, out = 0;

	if (len > LANGUAGE_SCAN_MAX)
		len = LANGUAGE_SCAN_MAX;
	for (size_t i = 0; i < len;) {
		size_t j = i;

		if (p[i] < 0x80) {
			i++;
			continue;
		}
		while (j < len && p[j] >= 0x80)
			j++;
		runs++;
		if ((j - i) & 1)
			odd_runs++;
		for (size_t k = i; k < j; k++) {
			high++;
			if (p[k] >= 0xc0)
				c0_up++;
			if (p[k] >= 0xc0 && p[k] <= 0xdf)
				c0_df++;
			else if (p[k] >= 0xe0)
				e0_ff++;
			else if (p[k] <= 0x9f)
				x80_9f++;
		}
		/* the pairs of a double-byte run */
		for (size_t k = i; k + 1 < j; k += 2) {
			pairs++;
			if ((p[k] == 0xa4 || p[k] == 0xa5) && p[k + 1] >= 0xa1)
				euc_kana++;
			if ((p[k] == 0x82 && p[k + 1] >= 0x9f && p[k + 1] <= 0xf1) || (p[k] == 0x83 && p[k + 1] >= 0x40))
				sjis_kana++;
			if (p[k] >= 0xb0 && p[k] <= 0xc8 && p[k + 1] >= 0xa1)
				hangul_lead++;
			if ((p[k] >= 0x81 && p[k] <= 0x9f) || (p[k] >= 0xe0 && p[k] <= 0xef))
				sjis_lead++;
		}
		/* Big5's and Shift_JIS's second bytes go below 0x80: a pair that ends in ASCII */
		if (j < len && j > i && ((j - i) & 1) && p[j] >= 0x40 && p[j] <= 0x7e)
			big5_low_trail++;
		i = j;
	}
	if (!high)
		return 0;
	if (runs * 10 >= high * 7) {
		/* mostly single bytes between ASCII letters: a Latin script */
		if (x80_9f)
			order[n++] = "CP1252";
		order[n++] = "ISO-8859-1";
		order[n++] = "ISO-8859-2";
		order[n++] = "ISO-8859-15";
	} else if ((odd_runs * 3 >= runs || c0_up * 10 >= high * 9) && !big5_low_trail) {
		/* words of any length, every byte a letter from 0xc0: a single-byte Cyrillic, lower case where most letters are */
		if (c0_df >= e0_ff) {
			order[n++] = "KOI8-R";
			order[n++] = "KOI8-U";
			order[n++] = "CP1251";
		} else {
			order[n++] = "CP1251";
			order[n++] = "KOI8-R";
			order[n++] = "KOI8-U";
		}
		order[n++] = "ISO-8859-5";
	} else {
		/* double bytes */
		if (euc_kana * 4 >= high / 2 && euc_kana)
			order[n++] = "EUC-JP";
		if (sjis_kana * 4 >= high / 2 && sjis_kana)
			order[n++] = "SHIFT_JIS";
		if (big5_low_trail)
			order[n++] = "BIG5";
		if (hangul_lead * 10 >= pairs * 9 && !euc_kana)
			order[n++] = "EUC-KR";
		order[n++] = "GB18030";
		if (!big5_low_trail)
			order[n++] = "BIG5";
		if (!euc_kana || euc_kana * 4 < high / 2)
			order[n++] = "EUC-JP";
		if (hangul_lead * 10 < pairs * 9 || euc_kana)
			order[n++] = "EUC-KR";
		if (sjis_lead && !(sjis_kana * 4 >= high / 2 && sjis_kana))
			order[n++] = "SHIFT_JIS";
	}
	for (size_t i = 0; i < n && out < max; i++)
		ret[out++] = order[i];
	return out;
}
