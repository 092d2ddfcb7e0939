#!/bin/bash
# Grade a class on a SLURM cluster: the shards as a job array, then the merge
# once all of them have ended well (afterok). Options after submit.sh go to
# both (--lab, --rubric, --seed, --lang); the worksheet goes to the merge:
#   WORKSHEET=grades.csv ./submit.sh --lab my_lab.toml
set -eu
cd "$(dirname "$0")"
shards=$(sbatch --parsable grade-shard.sbatch "$@")
sbatch --dependency="afterok:$shards" merge.sbatch "$@" ${WORKSHEET:+--worksheet "$WORKSHEET"}
