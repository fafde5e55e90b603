"""python -m benchmarks [--quick] [--repeats R] [--threads T] [--clock cpu|wall] [--only KIND] [--markdown PATH]"""

import argparse
import datetime
import os

from .cases import CASES, QUICK_CASES, format_table, machine_summary, run


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (seconds, not minutes)")
    parser.add_argument("--repeats", type=int, help="timed repeats per fit (median is reported)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="threads both libraries may use (default: every core; 1 measures one core)")
    parser.add_argument("--clock", choices=["cpu", "wall"], help="default: cpu with one thread, wall otherwise")
    parser.add_argument("--only", help="run only the cases whose kind contains this (e.g. gmm-full, kmeans)")
    parser.add_argument("--markdown", metavar="PATH", help="also write the table and the machine to PATH")
    args = parser.parse_args(argv)

    machine = machine_summary(args.threads, args.clock)
    print(machine, flush=True)
    cases = QUICK_CASES if args.quick else CASES
    if args.only:
        cases = [case for case in cases if args.only in case[0]]
    rows = run(cases=cases, quick=args.quick, repeats=args.repeats, threads=args.threads, clock=args.clock,
               verbose=True)
    table = format_table(rows)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(
                "# emlib vs scikit-learn: time per EM iteration\n\n"
                f"Measured {datetime.date.today().isoformat()} with `python -m benchmarks"
                f"{' --quick' if args.quick else ''}` on: {machine}.\n\n"
                f"{table}\n\n"
                "Time per iteration = (median fit time with max_iter = n_hi − median with n_lo) / (n_hi − n_lo), "
                "both libraries from the same initial parameters with tol = 0, so initialisation cancels; the window n_hi − n_lo is "
                "20 iterations, lengthened (up to 100) until emlib's window lasts 0.25 s. "
                "peer / emlib > 1: emlib is faster. With several threads, the peer is timed on one thread and "
                "on all of them and reported at its faster setting (the 'peer' column says which). "
                "Peak memory by tracemalloc (numpy buffers, input X not "
                "counted); 'peak / N(K+D) floats' is emlib's peak in units of 8·N·(K+D) bytes. "
                "BernoulliMixture has no scikit-learn peer: its peer time is one (N×D)@(D×K) matrix product, "
                "and its fit is checked against a plain reference EM. The k-means peer is the faster of "
                "scikit-learn's Lloyd and Elkan algorithms. 'agree': max |emlib − peer| / max |peer| "
                "over the fitted parameters (k-means: centres, inertia and the fraction of differing labels).\n"
            )
    return rows


if __name__ == "__main__":
    main()
