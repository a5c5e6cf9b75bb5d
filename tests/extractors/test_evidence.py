"""Evidence flags, pronoun subjects, product forms and non-English pages."""
from extractors.analyze import analyze_html
from extractors.claims import evidence_flags, extract_claims
from extractors.dosing import extract_dosing, main_substance
from extractors.sentences import split_sentences

FILLER = "Readers write to us every week with questions about their routines and what to try next. "


def _page(body: str, lang: str = "en") -> str:
    return (f'<html lang="{lang}"><body><article><h1>Notes</h1><p>{FILLER * 3}</p>'
            f"<p>{body}</p></article></body></html>")


def test_vague_attribution_without_citation_is_flagged_and_with_one_is_not():
    sentences = split_sentences("Studies suggest kratom eases anxiety. Research shows kava calms "
                                "stress [2]. Experts agree it is a gentle herb.")
    flags = evidence_flags(sentences, extract_claims(sentences))
    details = [d for k, d in flags if k == "vague_attribution"]
    assert len(details) == 2
    assert "Studies suggest" in details[0] and "Experts agree" in details[1]


def test_vague_attribution_with_a_source_line_in_its_paragraph_is_not_flagged():
    from extractors.claims import source_paragraphs

    text = ("Experts agree it is a gentle herb. (Okafor et al., 2021)\n"
            "Experts agree it is a calming herb.")
    sentences = split_sentences(text)
    claims = extract_claims(sentences)
    sourced = source_paragraphs(sentences, claims)
    details = [d for k, d in evidence_flags(sentences, claims, sourced) if k == "vague_attribution"]
    assert sourced == {0} and len(details) == 1 and "calming" in details[0]


def test_absolute_safety_promises_are_flagged():
    sentences = split_sentences("Our kava is completely safe. It has no side effects. "
                                "It is natural, so gentler than pills. Kava can cause liver harm.")
    kinds = [k for k, _ in evidence_flags(sentences, [])]
    assert kinds.count("absolute_safety") == 3


def test_it_resolves_to_the_main_substance_only_when_the_page_has_one():
    text = "Kratom comes from a tropical tree. Kratom is sold as powder. It eases cravings quickly."
    sentences = split_sentences(text)
    assert main_substance(sentences) == "kratom"
    claims = extract_claims(sentences, main_substance="kratom")
    assert [(c.substance, c.condition) for c in claims] == [("kratom", "cravings")]
    mixed = split_sentences("Kratom and kava are both sold here. Kava and kratom differ. It eases stress.")
    assert main_substance(mixed) is None
    assert extract_claims(mixed, main_substance=main_substance(mixed)) == []


def test_product_forms_are_reported_once_each_as_dosing_rows():
    sentences = split_sentences("Kratom comes as powder, capsules and extracts. Our capsules "
                                "hold 500 mg. Some people prefer a tincture.")
    forms = [d for d in extract_dosing(sentences, "kratom") if d.kind == "form"]
    assert sorted(d.phrase for d in forms) == ["capsule", "extract", "powder", "tincture"]
    assert all(d.substance == "kratom" and d.amount_low is None for d in forms)


def test_non_english_pages_keep_text_and_language_and_get_a_flag():
    body = ("El kratom se vende como polvo y cápsulas. Muchos usuarios dicen que alivia la "
            "ansiedad y mejora el sueño, pero los médicos piden prudencia con cualquier dosis. ") * 3
    result = analyze_html(_page(body, "es"), "https://tienda.example/kratom.html")
    assert result.page.language == "es" and "kratom se vende" in result.page.text
    assert [f.kind for f in result.flags] == ["non_english"]
    assert result.terms == () and result.dosing == () and result.claims == ()


def test_as_needed_is_its_own_kind():
    found = extract_dosing(split_sentences("Take melatonin only as needed."))
    assert [(d.kind, d.phrase) for d in found if d.kind == "as_needed"] == [("as_needed", "as needed")]


def test_disease_claims_about_unapproved_substances_are_flagged():
    sentences = split_sentences("Kratom treats opioid withdrawal. Buprenorphine treats opioid "
                                "withdrawal [1]. Kava boosts energy.")
    flags = [d for k, d in evidence_flags(sentences, extract_claims(sentences)) if k == "disease_claim"]
    assert len(flags) == 1
    assert flags[0].startswith("kratom → treat → opioid withdrawal (no FDA-approved medical use")


def test_harms_are_not_disease_claims():
    sentences = split_sentences("Kratom can cause nausea. Kratom eases opioid withdrawal.")
    flags = [d for k, d in evidence_flags(sentences, extract_claims(sentences)) if k == "disease_claim"]
    assert len(flags) == 1 and "ease" in flags[0] and "nausea" not in flags[0]
