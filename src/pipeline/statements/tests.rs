//! Tests of the whole splitter, and what the tests of its parts share: the sentences of a text,
//! checked for the invariants every split keeps.

use super::*;

/// The sentences of `text` as strings, after checking the range invariants.
pub(super) fn sents(text: &str) -> Vec<&str> {
    let ranges = split_sentences(text);
    check_invariants(text, &ranges);
    ranges.into_iter().map(|r| &text[r]).collect()
}

/// Ranges are non-empty, trimmed, increasing, non-overlapping, and cover every
/// non-white-space char of `text`.
fn check_invariants(text: &str, ranges: &[Range<usize>]) {
    let mut covered_until = 0;
    for r in ranges {
        assert!(r.start < r.end, "empty range {r:?} in {text:?}");
        assert!(
            r.start >= covered_until,
            "overlap/order {ranges:?} in {text:?}"
        );
        let s = text.get(r.clone()).expect("range on char boundaries");
        assert_eq!(s, s.trim(), "untrimmed {s:?} in {text:?}");
        assert!(
            text[covered_until..r.start]
                .chars()
                .all(char::is_whitespace),
            "non-white-space between sentences of {text:?}: {ranges:?}"
        );
        covered_until = r.end;
    }
    assert!(
        text[covered_until..].chars().all(char::is_whitespace),
        "uncovered tail of {text:?}: {ranges:?}"
    );
}

#[test]
fn empty_and_white_space_only_give_nothing() {
    assert!(split_sentences("").is_empty());
    assert!(split_sentences(" \n\t\r\n \u{2029}\u{a0}").is_empty());
}

#[test]
fn seed_paragraph_end_to_end() {
    // A whole paragraph of a seed article, glued sentences and all.
    let text = "“The discussion was very useful, constructive and very substantive and \
                lasted for not five minutes but five hours,” Ushakov said, as cited by the \
                New York Times.During the meeting, Putin reviewed the US proposals \
                outlined in four documents sent to the Kremlin ahead of the talks.“We \
                could agree on some things, and the president confirmed this to his \
                interlocutors,” Ushakov said. “Other things provoked criticism, and the \
                president also made no secret of our critical and even negative attitude \
                toward a number of proposals. But the main thing is that a very useful \
                discussion took place.”Ushakov said Putin conveyed “a series of important \
                signals” and personal greetings to Trump during the talks, though both \
                sides agreed not to reveal specifics to the media. He also confirmed that \
                the discussions touched on the “territorial problem”, the Kremlin’s term \
                for Russia’s claims over the entire Donbas region. Ukraine, however, \
                continues to control roughly 5,000 square kilometres of the territory that \
                Russia says is its own, and nearly all countries recognise Donbas as part \
                of Ukraine.“But there’s still a lot of work to be done, both in Washington \
                and in Moscow. That’s what’s been agreed upon. And contacts will \
                continue,” Ushakov said. A 28-point US peace proposal unveiled last month \
                faced criticism from Ukraine and several European governments for leaning \
                too heavily toward Moscow. US officials later said some elements had been \
                adjusted after feedback from Kyiv and European partners.Ahead of Tuesday’s \
                talks, Putin struck a hardline tone, saying Russia would continue to push \
                forward on the battlefield and portraying Ukraine’s leadership as \
                weakened. Shortly before meeting Witkoff at the Kremlin, he insisted \
                Russia did not seek a war with Europe but warned that if one began, it \
                would “end so swiftly” that no one would remain for Moscow to negotiate \
                with. He also threatened to cut off Ukraine’s access to the sea in \
                retaliation for drone attacks on tankers from Russia’s “shadow fleet” in \
                the Black Sea. Ukraine’s foreign minister, Andrii Sybiha, said the remarks \
                highlighted that Putin was not prepared to end the war, as cited by \
                Reuters.Trump’s peace plan calls on Europe to shoulder most of the \
                financing and security guarantees for a postwar Ukraine, even though \
                European governments were not consulted during its initial drafting.“Our \
                people are over in Russia right now to see if we can get it settled. Not \
                an easy situation, let me tell you. What a mess,” Trump said in Washington \
                on Tuesday.";
    assert_eq!(
        sents(text),
        [
            "“The discussion was very useful, constructive and very substantive and lasted \
             for not five minutes but five hours,” Ushakov said, as cited by the New York \
             Times.",
            "During the meeting, Putin reviewed the US proposals outlined in four \
             documents sent to the Kremlin ahead of the talks.",
            "“We could agree on some things, and the president confirmed this to his \
             interlocutors,” Ushakov said.",
            "“Other things provoked criticism, and the president also made no secret of \
             our critical and even negative attitude toward a number of proposals.",
            "But the main thing is that a very useful discussion took place.”",
            "Ushakov said Putin conveyed “a series of important signals” and personal \
             greetings to Trump during the talks, though both sides agreed not to reveal \
             specifics to the media.",
            "He also confirmed that the discussions touched on the “territorial problem”, \
             the Kremlin’s term for Russia’s claims over the entire Donbas region.",
            "Ukraine, however, continues to control roughly 5,000 square kilometres of the \
             territory that Russia says is its own, and nearly all countries recognise \
             Donbas as part of Ukraine.",
            "“But there’s still a lot of work to be done, both in Washington and in \
             Moscow.",
            "That’s what’s been agreed upon.",
            "And contacts will continue,” Ushakov said.",
            "A 28-point US peace proposal unveiled last month faced criticism from Ukraine \
             and several European governments for leaning too heavily toward Moscow.",
            "US officials later said some elements had been adjusted after feedback from \
             Kyiv and European partners.",
            "Ahead of Tuesday’s talks, Putin struck a hardline tone, saying Russia would \
             continue to push forward on the battlefield and portraying Ukraine’s \
             leadership as weakened.",
            "Shortly before meeting Witkoff at the Kremlin, he insisted Russia did not \
             seek a war with Europe but warned that if one began, it would “end so \
             swiftly” that no one would remain for Moscow to negotiate with.",
            "He also threatened to cut off Ukraine’s access to the sea in retaliation for \
             drone attacks on tankers from Russia’s “shadow fleet” in the Black Sea.",
            "Ukraine’s foreign minister, Andrii Sybiha, said the remarks highlighted that \
             Putin was not prepared to end the war, as cited by Reuters.",
            "Trump’s peace plan calls on Europe to shoulder most of the financing and \
             security guarantees for a postwar Ukraine, even though European governments \
             were not consulted during its initial drafting.",
            "“Our people are over in Russia right now to see if we can get it settled.",
            "Not an easy situation, let me tell you.",
            "What a mess,” Trump said in Washington on Tuesday.",
        ]
    );
}

#[test]
fn odd_inputs_never_panic_and_keep_invariants() {
    let odd = [
        "",
        " ",
        "\n",
        "\u{2029}",
        ".",
        "....",
        "?!?!",
        "…",
        "“”",
        "”“",
        "\"",
        "'",
        "a.B",
        "U.S.",
        "U.S",
        "e.g.",
        "Mr.",
        "Mr. ",
        "J.",
        "1.",
        "1. ",
        ".a",
        ". A",
        ".“",
        ".“a",
        ".\"",
        "a.\"",
        "a.\"\"\"B",
        "ab.’’’’Cd",
        "ab.“",
        "ab.“ ",
        "x… ",
        "x…",
        "…\u{301} A",
        "👍🏽. 👍🏽.👍🏽",
        "👨‍👩‍👧. Family!",
        "e\u{301}.E\u{301}te\u{301}. Ok",
        "a\u{301}.\u{301}B",
        "مرحبا. كيف حالك؟ أنا بخير.",
        "שלום. מה שלומך?",
        "これはペンです。あれは本です。",
        "Это тест. Ещё один.",
        "ab.\u{200B}Cd",
        "\u{feff}Hi.",
        "ab.«Cd»",
        "ab.(Cd)",
        "a\r\n\r\nb",
        "Mr.\n\nSmith",
        "U.S.\u{a0}President",
        "St.",
        " .  . ",
        "“.”.“.”",
        "Ab.Ab.Ab.Ab",
        "Dr.Who.What",
        "x.'y",
        "Yes.'Tis",
        "Ab.'Cd'",
        "ab.\"\"Cd",
    ];
    for text in odd {
        check_invariants(text, &split_sentences(text));
    }
    // Every substring (cut at char boundaries) of a mixed string, as a cheap fuzz.
    let mixed = "Mr. J. “Hi.”Ok? a.m. U.S.A.\n… Z. e.g. 3.14 — Путин сказал. 🎉 ¿Qué?";
    for (i, _) in mixed.char_indices() {
        for (j, _) in mixed[i..].char_indices() {
            let text = &mixed[i..i + j];
            check_invariants(text, &split_sentences(text));
        }
    }
}

#[test]
fn long_runs_of_spaces_quotes_or_symbols_split_like_short_ones() {
    let pad = " ".repeat(200);
    assert_eq!(
        sents(&format!("The talks ended.{pad}Putin left.")),
        ["The talks ended.", "Putin left."]
    );
    assert_eq!(
        sents(&format!("The talks ended.{pad}and Putin left.")),
        [format!("The talks ended.{pad}and Putin left.")]
    );
    let text = format!("Wait{pad}here.");
    assert_eq!(sents(&text), [text.as_str()]);
    let text = format!("Party {} time. Next", "🎉".repeat(150));
    assert_eq!(sents(&text), [&text[..text.len() - 5], "Next"]);
    let text = format!("Sign here. {} Then leave.", "_".repeat(150));
    assert_eq!(sents(&text), ["Sign here.", &text[11..]]);
}

#[test]
fn pathological_inputs_stay_fast() {
    // Each would take far longer if some step were quadratic: `unicode_segmentation` alone
    // needs ~15 s (debug build) for "ab." followed by 12,000 spaces.
    let n = 100_000;
    for text in [
        format!("ab.{}Cd", " ".repeat(n)),
        format!("ab.{}Cd", "”".repeat(n / 3)),
        format!("ab.{}Cd", ")".repeat(n)),
        format!("ab.{}Cd", "⟩".repeat(n / 3)),
        format!("a. {}", "7".repeat(n)),
        format!("e{}. Ab", "\u{301}".repeat(n / 2)),
        format!("x{}", " ".repeat(n)),
        "U.S. ".repeat(n / 5),
        "Mr. ".repeat(n / 4),
        "a\n".repeat(n / 2),
        ".".repeat(n),
        "“".repeat(n / 3),
        "\"a.\"B".repeat(n / 5),
        "ab.“".repeat(n / 6),
        "x… ".repeat(n / 5),
        "Ab.Cd.".repeat(n / 6),
    ] {
        let start = std::time::Instant::now();
        check_invariants(&text, &split_sentences(&text));
        let secs = start.elapsed().as_secs_f64();
        assert!(secs < 10.0, "{secs:.1} s on {:?}…", &text[..20]);
    }
}
