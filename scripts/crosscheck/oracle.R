# Independent oracle for the index method (docs: ../../docs/index-method.md).
# Computes the same output table as `sipas index --format csv` with R's survey package: weighted
# totals of satisfied/valid indicators per domain, their design covariance from svytotal, and the
# tree of ratios through svycontrast's symbolic delta method — no code shared with the Swift engine.
#
# Usage: Rscript oracle.R QUESTIONNAIRE.yaml RESPONSES.csv BY(comma list or "") ROLLUP(or "") MIN_N
suppressPackageStartupMessages({ library(survey); library(yaml) })
options(survey.lonely.psu = "adjust", warn = 1)

args <- commandArgs(trailingOnly = TRUE)
q <- yaml::read_yaml(args[1])
d <- read.csv(args[2], colClasses = "character", check.names = FALSE, na.strings = character(0),
              encoding = "UTF-8", fileEncoding = "UTF-8-BOM", strip.white = TRUE)
by <- if (nchar(args[3]) > 0) strsplit(args[3], ",")[[1]] else character(0)
rollup <- if (nchar(args[4]) > 0) args[4] else NULL
min_n <- as.integer(args[5])
for (col in names(d)) d[[col]] <- trimws(d[[col]], whitespace = "[ \t\r\n]")

items <- list()
for (s in q$sections) for (it in s$items) items[[it$code]] <- it
answer <- function(code) {
  if (!(code %in% names(d))) return(rep(NA_real_, nrow(d)))
  v <- d[[code]]
  suppressWarnings(ifelse(v == "", NA_real_, as.numeric(v)))
}

# relevant: XPath blanks — a comparison with a blank operand is FALSE, except != which is TRUE.
relevance <- function(expr) {
  if (is.null(expr)) return(rep(TRUE, nrow(d)))
  toks <- regmatches(expr, gregexpr("[A-Za-z0-9_.]+|==|!=|<=|>=|<|>|\\(|\\)", expr))[[1]]
  out <- character(0); i <- 1
  operand <- function(t) if (grepl("^[0-9.]+$", t)) t else sprintf("answer('%s')", t)
  while (i <= length(toks)) {
    t <- toks[i]
    if (t %in% c("and", "or", "not", "(", ")")) {
      out <- c(out, switch(t, and = "&", or = "|", not = "!", t)); i <- i + 1
    } else {
      a <- operand(t); op <- toks[i + 1]; b <- operand(toks[i + 2])
      f <- if (op == "!=") "(is.na(%1$s) | is.na(%3$s) | (%1$s %2$s %3$s))" else "(!is.na(%1$s) & !is.na(%3$s) & (%1$s %2$s %3$s))"
      out <- c(out, sprintf(f, a, op, b)); i <- i + 3
    }
  }
  r <- eval(parse(text = paste(out, collapse = " ")))
  r[is.na(r)] <- FALSE
  r
}

scale_of <- function(it) q$scales[[it$scale]]
leaf_codes <- character(0)
collect <- function(node) {
  for (ch in node$children) {
    if (is.list(ch)) collect(ch) else if (!(ch %in% leaf_codes) && !is.null(items[[ch]])) leaf_codes <<- c(leaf_codes, ch)
  }
}
for (t in q$indices) collect(t)
nodes_by_code <- list()
register <- function(node) { nodes_by_code[[node$code]] <<- node; for (ch in node$children) if (is.list(ch)) register(ch) }
for (t in q$indices) register(t)

valid <- list(); sat <- list()
for (code in leaf_codes) {
  it <- items[[code]]; sc <- scale_of(it)
  v <- answer(code)
  na_codes <- if (is.null(sc$not_applicable)) integer(0) else unlist(sc$not_applicable)
  ok <- !is.na(v) & !(v %in% na_codes) & relevance(it$relevant)
  valid[[code]] <- as.numeric(ok)
  sat[[code]] <- as.numeric(ok & v %in% unlist(sc$satisfied))
}

w <- if ("weight" %in% names(d)) as.numeric(d$weight) else rep(1, nrow(d))
design_data <- data.frame(.w = w)
ids <- ~1; strata <- NULL
if ("stratum" %in% names(d)) { design_data$.stratum <- d$stratum; strata <- ~.stratum }
if ("psu" %in% names(d)) { design_data$.psu <- paste(d$psu); ids <- ~.psu }

key_of <- function(cols) if (length(cols) == 0) rep("", nrow(d)) else do.call(paste, c(lapply(cols, function(c) if (c %in% names(d)) enc2utf8(d[[c]]) else rep("", nrow(d))), sep = "\x1f"))
group_key <- key_of(by)
groups <- if (length(by) == 0) "" else unique(group_key)
cp_less <- function(a, b) { x <- utf8ToInt(a); y <- utf8ToInt(b); n <- min(length(x), length(y)); for (i in seq_len(n)) if (x[i] != y[i]) return(x[i] < y[i]); length(x) < length(y) }
if (length(groups) > 1) {
  # Unicode code point order, column by column.
  parts <- lapply(groups, function(g) strsplit(g, "\x1f", fixed = TRUE)[[1]])
  ord <- seq_along(groups)
  for (i in seq_along(ord)) for (j in seq_len(length(ord) - i)) {
    a <- parts[[ord[j]]]; b <- parts[[ord[j + 1]]]
    k <- 1; while (k <= length(a) && k <= length(b) && a[k] == b[k]) k <- k + 1
    ak <- if (k <= length(a)) a[k] else ""; bk <- if (k <= length(b)) b[k] else ""
    if (k <= max(length(a), length(b)) && cp_less(bk, ak)) { t <- ord[j]; ord[j] <- ord[j + 1]; ord[j + 1] <- t }
  }
  groups <- groups[ord]
}
sub_key <- if (is.null(rollup)) rep("", nrow(d)) else key_of(rollup)

fmt <- function(x) if (is.na(x)) "" else if (x == 0) "0" else { s <- formatC(x, digits = 17, format = "fg", flag = "#"); sub("\\.$", "", sub("0+$", "", s)) }
rows <- character(0)
header <- paste(c(by, "index", "node", "n", "estimate", "se", "ci_low", "ci_high", "low_n"), collapse = ",")

for (g in groups) {
  in_g <- group_key == g
  subs <- unique(sub_key[in_g])
  vars <- list(); names_v <- character(0)
  for (si in seq_along(subs)) for (code in leaf_codes) {
    ind <- in_g & sub_key == subs[si]
    sn <- sprintf("S_%d_%s", si, gsub("[^A-Za-z0-9]", "_", code)); vn <- sprintf("V_%d_%s", si, gsub("[^A-Za-z0-9]", "_", code))
    design_data[[sn]] <- sat[[code]] * ind; design_data[[vn]] <- valid[[code]] * ind
    names_v <- c(names_v, sn, vn)
  }
  des <- svydesign(ids = ids, strata = strata, weights = ~.w, data = design_data, nest = TRUE)
  tot <- svytotal(as.formula(paste("~", paste(names_v, collapse = "+"))), des)
  tv <- coef(tot)
  # Expression (string) for a node in subgroup si, or NULL when undefined.
  node_expr <- function(ch, si) {
    if (!is.list(ch)) {
      if (!is.null(nodes_by_code[[ch]])) return(node_expr(nodes_by_code[[ch]], si))
      safe <- gsub("[^A-Za-z0-9]", "_", ch)
      sn <- sprintf("S_%d_%s", si, safe); vn <- sprintf("V_%d_%s", si, safe)
      if (tv[[vn]] <= 0) return(NULL)
      return(sprintf("(%s/%s)", sn, vn))
    }
    parts <- character(0); ws <- numeric(0)
    for (j in seq_along(ch$children)) {
      e <- node_expr(ch$children[[j]], si)
      if (!is.null(e)) { parts <- c(parts, e); ws <- c(ws, if (identical(ch$rule, "weighted")) as.numeric(ch$weights[[j]]) else 1) }
    }
    if (length(parts) == 0) return(NULL)
    sprintf("((%s)/%s)", paste(sprintf("%.17g*%s", ws, parts), collapse = "+"), format(sum(ws), digits = 17))
  }
  count_n <- function(ch) {
    leaves <- character(0)
    walk <- function(x) { if (is.list(x)) for (c in x$children) walk(c) else if (!is.null(nodes_by_code[[x]])) walk(nodes_by_code[[x]]) else leaves <<- c(leaves, x) }
    walk(ch)
    any_valid <- Reduce(`|`, lapply(unique(leaves), function(l) valid[[l]] > 0))
    sum(any_valid & in_g)
  }
  emit <- function(ch, tree) {
    code <- if (is.list(ch)) ch$code else ch
    target <- if (!is.list(ch) && !is.null(nodes_by_code[[ch]])) nodes_by_code[[ch]] else ch
    per_sub <- Filter(Negate(is.null), lapply(seq_along(subs), function(si) node_expr(target, si)))
    n <- count_n(target)
    est <- NA; se <- NA
    if (length(per_sub) > 0) {
      e <- parse(text = sprintf("100*((%s)/%d)", paste(per_sub, collapse = "+"), length(per_sub)))[[1]]
      con <- svycontrast(tot, list(x = e))
      est <- as.numeric(coef(con)); se <- as.numeric(SE(con))
    }
    lo <- if (is.na(est)) NA else min(100, max(0, est - 1.959964 * se))
    hi <- if (is.na(est)) NA else min(100, max(0, est + 1.959964 * se))
    gparts <- if (length(by) == 0) character(0) else strsplit(g, "\x1f", fixed = TRUE)[[1]]
    if (length(by) > 0 && length(gparts) < length(by)) gparts <- c(gparts, rep("", length(by) - length(gparts)))
    rows <<- c(rows, paste(c(gparts, tree, code, n, fmt(est), fmt(se), fmt(lo), fmt(hi), if (n < min_n) "true" else "false"), collapse = ","))
    if (is.list(target)) for (c in target$children) emit(c, tree)
  }
  for (t in q$indices) emit(t, t$code)
}
cat(header, "\n", sep = "")
if (length(rows) > 0) cat(paste0(rows, "\n"), sep = "")
