#!/bin/sh
# update.sh -- rewrite the expected outputs from the current binary.
# Review the result with git diff tests/golden before committing.
GOLDEN_UPDATE=1 exec "$(dirname "$0")/run.sh"
