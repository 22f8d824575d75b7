// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The language a line seems to be in and the legacy encoding of one that is not UTF-8
 * (parse/language.h): glibc's own strerror texts of EAGAIN and ENOMEM in each language as bash prints
 * them, English lines that must not be taken for another language, and lines encoded here with
 * iconv(3) in the encodings servers used before UTF-8.
 */
#include <iconv.h>
#include <stdlib.h>

#include "parse/language.h"
#include "unit.h"

static void guesses(void)
{
	static const struct {
		const char *line, *code;
	} cases[] = {
		{ "-bash: fork: 无法分配内存", "zh_CN" },
		{ "bash: fork: retry: 资源暂时不可用", "zh_CN" },
		{ "-bash: fork: 無法配置記憶體", "zh_TW" },
		{ "bash: fork: 資源暫時無法取得", "zh_TW" },
		{ "bash: fork: リソースが一時的に利用できません", "ja" },
		{ "bash: fork: メモリを確保できません", "ja" },
		{ "bash: fork: 자원이 일시적으로 사용 불가능함", "ko" },
		{ "timeout: системный вызов fork завершился неудачно: Ресурс временно недоступен", "ru" },
		{ "bash: fork: Не вдалося виділити пам'ять", "uk" },
		{ "bash: fork: retry: Die Ressource ist zur Zeit nicht verfügbar", "de" },
		{ "bash: fork: Nicht genug Hauptspeicher verfügbar", "de" },
		{ "bash: fork: Ressource temporairement non disponible", "fr" },
		{ "bash: fork: Impossible d'allouer de la mémoire", "fr" },
		{ "bash: fork: Recurso no disponible temporalmente", "es" },
		{ "bash: fork: No se puede asignar memoria", "es" },
		{ "bash: fork: Recurso temporariamente indisponível", "pt" },
		{ "bash: fork: Não foi possível alocar memória", "pt" },
		{ "bash: fork: Risorsa temporaneamente non disponibile", "it" },
		{ "bash: fork: Zasób chwilowo niedostępny", "pl" },
		{ "bash: fork: Nie można przydzielić pamięci", "pl" },
		{ "bash: fork: Kaynak geçici olarak kullanılamıyor", "tr" },
		{ "bash: fork: Tài nguyên tạm thời không sẵn có", "vi" },
		{ "bash: fork: Prostředek je dočasně nepřístupný", "cs" },
		{ "bash: fork: Nelze alokovat paměť", "cs" },
		{ "bash: fork: Πόρος προσωρινά μη διαθέσιμος", "el" },
	};
	static const char *const english[] = {
		"bash: fork: Resource temporarily unavailable",
		"-bash: fork: Cannot allocate memory",
		"java.lang.OutOfMemoryError: unable to create native thread: possibly out of memory or process/resource limits reached",
		"Dec 01 10:44:13 host sshd[1234]: fatal: fork of unprivileged child failed",
		"hello world",
		"",
		"EAGAIN",
		"fork",
	};
	struct language_guess g;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(utf8_valid(cases[i].line, strlen(cases[i].line)));
		CHECK(language_guess(cases[i].line, strlen(cases[i].line), &g));
		if (language_guess(cases[i].line, strlen(cases[i].line), &g) && strcmp(g.code, cases[i].code) != 0)
			fprintf(stderr, "    '%s': %s, not %s\n", cases[i].line, g.code, cases[i].code);
		CHECK(language_guess(cases[i].line, strlen(cases[i].line), &g) && strcmp(g.code, cases[i].code) == 0);
	}
	for (size_t i = 0; i < sizeof(english) / sizeof(english[0]); i++) {
		bool got = language_guess(english[i], strlen(english[i]), &g);

		if (got)
			fprintf(stderr, "    '%s' taken for %s\n", english[i], g.code);
		CHECK(!got);
	}
}

static void utf8_validity(void)
{
	CHECK(utf8_valid(S("plain ASCII")));
	CHECK(utf8_valid(S("无法分配内存")));
	CHECK(utf8_valid(S("")));
	CHECK(!utf8_valid(S("\xce\xde\xb7\xa8")));        /* GB18030 */
	CHECK(!utf8_valid(S("\xc0\xaf")));                /* an overlong '/' */
	CHECK(!utf8_valid(S("\xed\xa0\x80")));            /* a surrogate */
	CHECK(!utf8_valid(S("\xf4\x90\x80\x80")));        /* above U+10FFFF */
	CHECK(!utf8_valid(S("\xe6\x97")));                /* cut */
}

/* The line encoded with iconv in the encoding: its first guess must be that encoding (or one that reads it the same). */
static void legacy(void)
{
	static const struct {
		const char *utf8, *encoding, *also, *code;
	} cases[] = {
		{ "-bash: fork: 无法分配内存", "GB18030", NULL, "zh_CN" },
		{ "bash: fork: 資源暫時無法取得", "BIG5", NULL, "zh_TW" },
		{ "bash: fork: リソースが一時的に利用できません", "EUC-JP", NULL, "ja" },
		{ "bash: fork: リソースが一時的に利用できません", "SHIFT_JIS", NULL, "ja" },
		{ "bash: fork: 자원이 일시적으로 사용 불가능함", "EUC-KR", NULL, "ko" },
		{ "bash: fork: Ресурс временно недоступен", "KOI8-R", "KOI8-U", "ru" },
		{ "bash: fork: Ресурс временно недоступен", "CP1251", NULL, "ru" },
		{ "bash: fork: Die Ressource ist zur Zeit nicht verfügbar", "ISO-8859-1", "CP1252", "de" },
		{ "bash: fork: Impossible d'allouer de la mémoire", "ISO-8859-1", "CP1252", "fr" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char enc[256], back[512], *in = (char *)cases[i].utf8, *out = enc, *bin, *bout = back;
		size_t in_left = strlen(in), out_left = sizeof(enc), n, len, bl = sizeof(back) - 1;
		const char *got[8];
		iconv_t cd = iconv_open(cases[i].encoding, "UTF-8");
		struct language_guess g;

		CHECK(cd != (iconv_t)-1);
		if (cd == (iconv_t)-1)
			continue;
		CHECK(iconv(cd, &in, &in_left, &out, &out_left) != (size_t)-1);
		iconv_close(cd);
		len = (size_t)(out - enc);
		CHECK(!utf8_valid(enc, len));
		n = legacy_encodings(enc, len, got, 8);
		CHECK(n > 0);
		if (n && strcmp(got[0], cases[i].encoding) && (!cases[i].also || strcmp(got[0], cases[i].also)))
			fprintf(stderr, "    %s: first guess %s\n", cases[i].encoding, got[0]);
		CHECK(n && (!strcmp(got[0], cases[i].encoding) || (cases[i].also && !strcmp(got[0], cases[i].also))));
		/* read back from the first guess, the language is the line's */
		if (!n)
			continue;
		cd = iconv_open("UTF-8", got[0]);
		bin = enc;
		CHECK(cd != (iconv_t)-1 && iconv(cd, &bin, &len, &bout, &bl) != (size_t)-1);
		if (cd != (iconv_t)-1)
			iconv_close(cd);
		*bout = '\0';
		CHECK_STR(back, cases[i].utf8);
		CHECK(language_guess(back, strlen(back), &g) && strcmp(g.code, cases[i].code) == 0);
	}
	/* ASCII is not a legacy encoding */
	CHECK(legacy_encodings(S("bash: fork: Resource temporarily unavailable"), (const char *[8]){ 0 }, 8) == 0);
}

int main(void)
{
	RUN(guesses);
	RUN(utf8_validity);
	RUN(legacy);
	return 0;
}
