package routes

import (
	"unicode"

	"efile/services/errs"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Messages for people follow Accept-Language: Chinese by default, English
// for "en" (SPEC section 12). Codes, fields and enum values never change.
// A message is written once in the code (English, or Chinese where the
// person who reads it is a clerk reading row errors), and that text is its
// key in the catalogue (messages.go), which gives it in both languages.
// golang.org/x/text/message does the formatting, with a catalogue of our
// own rather than its process-wide default.

var (
	languages = []language.Tag{language.Chinese, language.English}
	matcher   = language.NewMatcher(languages)
	// printers are built once, from the catalogue; they are read-only.
	printers = func() map[language.Tag]*message.Printer {
		b := catalog.NewBuilder(catalog.Fallback(language.Chinese))
		for _, m := range catalogue {
			zh, en := m.zh, m.en
			if zh == "" {
				zh = m.key
			}
			if en == "" {
				en = m.key
			}
			if err := b.SetString(language.Chinese, m.key, zh); err != nil {
				panic(err)
			}
			if err := b.SetString(language.English, m.key, en); err != nil {
				panic(err)
			}
		}
		out := map[language.Tag]*message.Printer{}
		for _, t := range languages {
			out[t] = message.NewPrinter(t, message.Catalog(b))
		}
		return out
	}()
	catalogued = func() map[string]bool {
		m := make(map[string]bool, len(catalogue))
		for _, e := range catalogue {
			m[e.key] = true
		}
		return m
	}()
)

// printerFor is the printer of the request's language.
func printerFor(c *gin.Context) *message.Printer {
	tags, _, err := language.ParseAcceptLanguage(c.GetHeader("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return printers[language.Chinese]
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return printers[language.Chinese]
	}
	return printers[languages[i]]
}

func printerOf(t language.Tag) *message.Printer { return printers[t] }

// localize says m in p's language. Arguments that are messages themselves
// are said first; a message that only passes another's text through
// ("%s") says that text in p's language when the catalogue has it.
func localize(p *message.Printer, m errs.Msg) string {
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		switch v := a.(type) {
		case errs.Msg:
			args[i] = localize(p, v)
		case string:
			if catalogued[v] {
				args[i] = p.Sprintf(v)
			} else {
				args[i] = v
			}
		default:
			args[i] = a
		}
	}
	if !catalogued[m.Format] {
		return errs.Msg{Format: m.Format, Args: args}.String()
	}
	return p.Sprintf(m.Format, args...)
}

// isChinese tells whether a message is written in Chinese.
func isChinese(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
