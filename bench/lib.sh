# Shared by the bench harnesses (overhead.sh, machine.sh); sourced, not run.

# median_in FILE FIELD A B C: the median of column FIELD over the tab-separated lines of FILE
# whose first three columns are A, B and C (workload or kind, placement, mode), empty values left
# out; "" when there is none.
median_in() {
  local file=$1
  shift
  awk -F'\t' -v f="$1" -v a="$2" -v b="$3" -v c="$4" '
    $1 == a && $2 == b && $3 == c && $f != "" { v[n++] = $f + 0 }
    END {
      if (n == 0) { print ""; exit }
      for (i = 1; i < n; i++) { x = v[i]; for (j = i - 1; j >= 0 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
      print (n % 2) ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
    }' "$file"
}
