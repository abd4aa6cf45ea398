"""English frames that look like denials and are not: a rebuke without a falsity verdict, a
falsity word describing something that is not a claim, a third party's negative finding, a
refused thing, a case over false claims, a comparison inside a quote.

Every case was written for the rule it tests (none is copied from an evaluation set), and each
rule has its near miss the other way, so a rule that drops the whole frame fails too."""

from __future__ import annotations

import pytest

from bot.context.analyze import analyze

CASES = [
    # hitting back at a claim is a response; calling it false is the denial
    ("Moscow hits back at Kyiv's sabotage claims", "", False),
    ("Minister hits back at critics over school funding", "", False),
    ("Mayor hits back at 'untrue' corruption allegations", "", True),
    ("Moscow rejects Kyiv's sabotage claims", "", True),
    # a naming verb's falsity word is the verdict on a claim, or describes something else
    ("Khamenei slams 'nonsense' US nuclear demands", "", False),
    ("Senator blasts 'absurd' new tariff rules", "", False),
    ("Khamenei slams 'nonsense' US reports of secret talks", "", True),
    ("Kremlin calls the reports nonsense", "", True),
    ("Minister brands allegations a lie", "", True),
    ("Company calls claims of a data breach false and misleading", "", True),
    # a negated action under a trailing speaker: a finding unless it is what a claim asserts
    ("Worker killed in crane collapse did not follow safety rules: Coroner", "", False),
    ("Driver had not slept for 20 hours before the crash, inquiry says", "", False),
    ("Iran did not send drones to Russia, Tehran says", "", True),
    ("Singer was not arrested, her manager says", "", True),
    # dispelling a myth or a rumour refutes it; dispelling a fear or a doubt does not
    ("Doctors dispel rumours about the president's health", "", True),
    ("Expert dispels the myth that tanks are comfortable", "", True),
    ("Minister dispels fears of a recession", "", False),
    ("The visit aimed at dispelling skepticism of the government's assertions", "", False),
    ("Five myths about sleep", "", False),
    # an evaluative falsity word judges a claim only with the claim in view
    ("Pupil hits teacher", "The pupil's answer was marked incorrect, the school said.", False),
    ("Row over new budget", "The opposition said the budget was absurd and unfair.", False),
    ("Row over new budget", "The ministry said the reports were absurd.", True),
    ("Eyewitness: the viral video is nonsense", "", True),
    # "there's no denying" concedes
    ("Tan season", "There's no denying that many of us feel happier with a tan.", False),
    # "denial of" a claim, or of a thing refused
    ("High Court on denial of urgent hearing to father's plea", "", False),
    ("Minister's denial of the bribery allegations questioned", "", True),
    # an official case over false claims reports the case, not a denial
    ("Watchdog investigates peer over 'erroneous' travel claims", "", False),
    ("Kremlin dismisses 'false' reports of Putin's illness", "", True),
    # an opinion about someone is not the denial of a claim about them
    ("Actor is not aware of the language's history: Chief Minister", "", False),
    ("Woman held in Lebanon is not al-Baghdadi's wife, Iraq says", "", True),
    # a reduced negation deep inside a quoted headline is the quote's comparison
    ("'He barged on to the field... and the captain not banned'", "", False),
    ("Michelle Obama not blurred out on Saudi TV", "", True),
    # a party's own negative answers a claim; an inquiry's is a finding
    ("Crew did not hear the radio call to assist the boat, company says", "", True),
    ("Pilot had not checked the fuel gauge, inquiry says", "", False),
    # a negation inside a goal is not a counter-claim
    ("Leaders must work together to ensure the attack is not repeated: Governor", "", False),
    # a claim noun after "to" is a verb
    ("US slams China's new reserve as an effort to claim the sea", "", False),
    # health answers a rumour; "not aimed at" answers a suspicion; "misleading" judges a report
    ("Leader is in perfect health, ministry says", "", True),
    ("Defence pact is not aimed at any other country, Turkey says", "", True),
    ("ICE chief calls the AP report on body cameras misleading", "", True),
    ("China denies existence of trade talks with US", "", True),
    ("Company fined for misleading adverts", "", False),
    # advice and an assessment are not counter-claims; a demand for proof is not the answer
    ("Health secretary says the vaccine isn't recommended for healthy children", "", False),
    ("Senator says his decision wasn't 'black or white'", "", False),
    ("Ministry says the minister was not arrested", "", True),
    ("Aid group visits leader after army pushed to prove she is alive", "", False),
    ("Leader is alive and well, spokesman says", "", True),
    # background: a falsity word after "despite" or "amid"; an object ends at a new clause
    (
        "Senator voted by mail",
        "He did so amid his unfounded claims that mail-in voting is fraud.",
        False,
    ),
    ("China blasts 'unfounded smears' over the election", "", True),
    ("Leader rejects treaty extension as rival claims control of the strait", "", False),
    ("Leader rejects the rival's claims of control over the strait", "", True),
    # nouns, rankings, idioms and positions
    ("Journalists captured uplifting stories amid global challenges", "", False),
    ("No. 1 Indiana routs No. 9 Alabama", "", False),
    ("Voters say they are not dismissing the candidates", "", False),
    ("Major powers aren't sold", "", False),
    ("Prime minister says Canada isn't for sale", "", False),
]


@pytest.mark.parametrize(("title", "text", "is_denial"), CASES)
def test_english_frames_and_their_near_misses(title: str, text: str, is_denial: bool) -> None:
    assert analyze(title, text).denial.is_denial is is_denial
