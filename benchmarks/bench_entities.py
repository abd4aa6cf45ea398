"""Entity extraction cost per feed item (title + summary), English, Spanish and Russian.

    python benchmarks/bench_entities.py [--reps 3] [--json out.json]

Runs `extract_entities` and `analyze` pinned to one core on the real English items captured in
../shared/feeds/news (title + summary, as the poller analyses them), and on Spanish and Russian
items written for this benchmark (`RU_ITEMS`, `ES_ITEMS`: wire-style leads, not captures).
The first pass over the items is a warm-up (imports, the morphology dictionary, caches);
the figures are the passes after it, as a long-running poller sees them. Times are the
thread's CPU time (time.thread_time), so other processes on a shared machine do not count.
Floor: median ≤ 1 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

from bot.context.analyze import analyze
from bot.context.entities import extract_entities
from bot.context.outlets import OutletRegistry

FLOOR_MS = 1.0

RU_ITEMS: list[tuple[str, str]] = [
    (
        "В Ростехе опровергли сообщения о выводе специалистов из Венесуэлы",
        "МОСКВА, 3 декабря. /ТАСС/. Пресс-служба Ростеха назвала ложью публикацию The Wall "
        "Street Journal. Посол России в Венесуэле Владимир Заемский заявил, что Ростеху "
        "нечего скрывать.",
    ),
    (
        "Песков прокомментировал заявление Зеленского",
        "Пресс-секретарь президента России Дмитрий Песков заявил журналистам в Кремле, что "
        "Владимир Путин не планирует встречу с Владимиром Зеленским в Стамбуле.",
    ),
    (
        "Захарова ответила Блинкену",
        "Официальный представитель МИД России Мария Захарова назвала фейком слова Энтони "
        "Блинкена о поставках оружия. Об этом она написала в Telegram.",
    ),
    (
        "Газпром увеличил поставки газа в Китай",
        "Газпром в ноябре увеличил экспорт газа в Китай по газопроводу «Сила Сибири», "
        "сообщил глава компании Алексей Миллер на встрече с Путиным в Москве.",
    ),
]
ES_ITEMS: list[tuple[str, str]] = [
    (
        "Rusia desmiente informaciones sobre retirada de expertos de Venezuela",
        "Moscú, 4 jun (PL) El embajador ruso en Caracas, Vladimir Zaemsky, negó las "
        "informaciones publicadas por The Wall Street Journal. Rostec también las rechazó.",
    ),
    (
        "Díaz-Canel recibe al canciller de México",
        "La Habana, 3 dic (RHC) El presidente cubano Miguel Díaz-Canel recibió este martes al "
        "canciller mexicano Juan Ramón de la Fuente en el Palacio de la Revolución.",
    ),
    (
        "Maduro denuncia sanciones de Estados Unidos",
        "Caracas, 2 dic (Prensa Latina) Nicolás Maduro afirmó que las sanciones de Estados "
        "Unidos contra PDVSA violan el derecho internacional, según dijo a teleSUR.",
    ),
]


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = sorted(os.sched_getaffinity(0))[0]
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def run(items: list[tuple[str, str]], fn: Any, reps: int) -> list[float]:
    for title, summary in items:  # warm-up pass
        fn(title, summary)
    samples: list[float] = []
    for _ in range(reps):
        for title, summary in items:
            t = time.thread_time()
            fn(title, summary)
            samples.append((time.thread_time() - t) * 1000)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=3, help="passes over the items")
    parser.add_argument("--json", help="write results here")
    args = parser.parse_args()
    pinned = pin_one_core()
    registry = OutletRegistry.default()
    corpus = common.load_corpus()
    english = [(it.title, it.summary) for it in corpus.items]
    sets = [
        ("en (real feed items)", english),
        ("ru (written)", RU_ITEMS),
        ("es (written)", ES_ITEMS),
    ]
    rows = []
    ok = True

    def entities(title: str, summary: str) -> Any:
        return extract_entities(title, summary, registry)

    def context(title: str, summary: str) -> Any:
        return analyze(title, summary, resolver=registry)

    for name, items in sets:
        for label, fn in (("extract_entities", entities), ("analyze", context)):
            samples = run(items, fn, args.reps)
            med = common.median(samples)
            ok = ok and (label != "analyze" or med <= FLOOR_MS)
            rows.append(
                [f"{label}: {name}", len(items), len(samples), med, common.pct(samples, 95)]
            )
    print(f"bench_entities ({pinned})")
    print(common.table(["case", "items", "samples", "median_ms", "p95_ms"], rows))
    print(f"floor: analyze median ≤ {FLOOR_MS} ms per feed item: {common.verdict(ok)}")
    common.write_json(args.json, {"rows": rows, "machine": common.machine_info()})
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
