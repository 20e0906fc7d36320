//! How text becomes searchable terms, the same way for the index, the
//! query and the marking of matches: words by Unicode's word boundaries
//! (UAX #29, so every script that spaces its words works), folded
//! (lower case, diacritics removed: `café` is `cafe`), English endings
//! stemmed (`trains` is `train`); Chinese and Japanese, written without
//! spaces, as overlapping pairs of characters, so that any two or more
//! characters of a text find it.

use tantivy::tokenizer::{Language, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer};
use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation;

/// The name the index knows the analyzer by.
pub const ANALYZER: &str = "threadview";

/// The analyzer: [`Words`], then English stemming.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(Words::default())
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The terms of `text`, with their byte ranges in it.
pub fn terms(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut analyzer = analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push((token.text.clone(), token.offset_from..token.offset_to));
    }
    out
}

/// Written without spaces between words: Han, Hiragana, Katakana.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF66}'..='\u{FF9F}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// Lower case, without diacritics, compatibility forms unfolded
/// (`Ｃａｆé` is `cafe`), and the letters that have no decomposition
/// spelled out (`ß` is `ss`).
pub fn fold(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

/// [`fold`], appending to `out`: ASCII as it is (lower-cased), each other
/// character decomposed on its own (the marks dropped).
pub fn fold_into(text: &str, out: &mut String) {
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        unicode_normalization::char::decompose_compatible(c, |c| {
            if is_combining_mark(c) {
                return;
            }
            match c {
                'ß' | 'ẞ' => out.push_str("ss"),
                'æ' | 'Æ' => out.push_str("ae"),
                'œ' | 'Œ' => out.push_str("oe"),
                'ø' | 'Ø' => out.push('o'),
                'đ' | 'Đ' => out.push('d'),
                'ł' | 'Ł' => out.push('l'),
                'ı' => out.push('i'),
                'þ' | 'Þ' => out.push_str("th"),
                c => out.extend(c.to_lowercase()),
            }
        });
    }
}

/// The tokenizer: words, folded, and pairs of CJK characters.
#[derive(Clone, Default)]
pub struct Words {
    tokens: Vec<Token>,
}

/// The tokens of one text, made up front.
pub struct WordStream<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl Tokenizer for Words {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.tokens.clear();
        let mut run = CjkRun::default();
        for (offset, word) in text.unicode_word_indices() {
            if !word.chars().any(is_cjk) {
                run.flush(&mut self.tokens);
                push(&mut self.tokens, fold(word), offset..offset + word.len());
                continue;
            }
            // A word of mixed scripts: its CJK parts join the run, the
            // others are words of their own.
            let mut start = 0;
            for (i, c) in word.char_indices() {
                if is_cjk(c) {
                    if start < i {
                        run.flush(&mut self.tokens);
                        let part = &word[start..i];
                        push(&mut self.tokens, fold(part), offset + start..offset + i);
                    }
                    run.push(&mut self.tokens, offset + i, c);
                    start = i + c.len_utf8();
                }
            }
            if start < word.len() {
                run.flush(&mut self.tokens);
                push(
                    &mut self.tokens,
                    fold(&word[start..]),
                    offset + start..offset + word.len(),
                );
            }
        }
        run.flush(&mut self.tokens);
        WordStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

fn push(tokens: &mut Vec<Token>, text: String, range: std::ops::Range<usize>) {
    if text.is_empty() {
        return;
    }
    tokens.push(Token {
        offset_from: range.start,
        offset_to: range.end,
        position: tokens.len(),
        text,
        position_length: 1,
    });
}

/// Adjacent CJK characters, waiting to be cut into pairs.
#[derive(Default)]
struct CjkRun {
    chars: Vec<(usize, char)>,
}

impl CjkRun {
    fn push(&mut self, tokens: &mut Vec<Token>, at: usize, c: char) {
        if let Some(&(last, prev)) = self.chars.last()
            && last + prev.len_utf8() != at
        {
            self.flush(tokens);
        }
        self.chars.push((at, c));
    }

    /// One token for a lone character, else one per overlapping pair.
    fn flush(&mut self, tokens: &mut Vec<Token>) {
        match self.chars.as_slice() {
            [] => {}
            [(at, c)] => push(tokens, fold(&c.to_string()), *at..at + c.len_utf8()),
            pairs => {
                for pair in pairs.windows(2) {
                    let ((at, a), (next, b)) = (pair[0], pair[1]);
                    let text: String = [a, b].iter().collect();
                    push(tokens, fold(&text), at..next + b.len_utf8());
                }
            }
        }
        self.chars.clear();
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        terms(text).into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn words_are_folded_and_stemmed() {
        assert_eq!(
            texts("Café, CAFES; naïve Straße"),
            ["cafe", "cafe", "naiv", "strass"]
        );
        assert_eq!(texts("Ｆｕｌｌ-width trains"), ["full", "width", "train"]);
        assert_eq!(texts("Σοφία Москва مرحبا"), ["σοφια", "москва", "مرحبا"]);
    }

    #[test]
    fn cjk_text_becomes_overlapping_pairs_with_their_ranges() {
        let got = terms("東京都庁 へ");
        let want = [
            ("東京", 0..6),
            ("京都", 3..9),
            ("都庁", 6..12),
            ("へ", 13..16),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(t, r)| (t.to_string(), r.clone()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(
            texts("日本語のテキスト"),
            ["日本", "本語", "語の", "のテ", "テキ", "キス", "スト"]
        );
        assert_eq!(texts("abc漢字def"), ["abc", "漢字", "def"]);
    }
}
