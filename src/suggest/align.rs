//! Cross-source alignment: statements of different articles that report
//! the same fact, grouped, with the links and claims to propose for them.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::conflicts::conflicts;
use super::index::Index;
use super::rejected::Rejected;
use super::words::words;
use super::{
    ALIGN_SIMILARITY, AlignedPair, Group, MIN_SCORE, Member, NEAR_DUPLICATE, Proposal, flat, round,
};
use crate::pipeline::content::ArticleIdx;

/// A statement: `(article index, statement index)`.
pub(super) type At = (ArticleIdx, usize);

/// Aligned statement pairs across articles: `(a, b, similarity)`.
///
/// Only pairs that share a word which is not among the most common ones
/// are compared (an inverted index), so this stays fast on large sites;
/// a pair sharing nothing but very common words is never similar enough.
pub fn aligned_pairs(index: &Index<'_>) -> Vec<(At, At, f64)> {
    let all: Vec<At> = index
        .stems
        .iter()
        .flat_map(|(ai, sts)| (0..sts.len()).map(move |si| (ai, si)))
        .collect();
    let cap = (all.len() / 10).max(50);
    let mut postings: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, &(ai, si)) in all.iter().enumerate() {
        for t in &index.stems[ai][si] {
            postings.entry(t.as_str()).or_default().push(i);
        }
    }
    let mut candidates: BTreeSet<(usize, usize)> = BTreeSet::new();
    for list in postings.values().filter(|l| l.len() <= cap) {
        for (k, &i) in list.iter().enumerate() {
            for &j in &list[k + 1..] {
                if all[i].0 != all[j].0 {
                    candidates.insert((i.min(j), i.max(j)));
                }
            }
        }
    }
    candidates
        .into_iter()
        .filter_map(|(i, j)| {
            let c = index.similarity(all[i], all[j]);
            (c >= ALIGN_SIMILARITY).then_some((all[i], all[j], c))
        })
        .collect()
}

/// Groups of aligned statements with something to propose: a claim some
/// members are linked to and others not, a new claim when none is
/// linked, or a conflict between members.
pub(super) fn align(index: &Index<'_>, rejected: &Rejected) -> Vec<Group> {
    let site = index.site;
    let pairs = aligned_pairs(index);
    // Union-find over statements.
    let mut parent: HashMap<At, At> = HashMap::new();
    fn find(p: &mut HashMap<At, At>, x: At) -> At {
        let up = *p.entry(x).or_insert(x);
        if up == x {
            return x;
        }
        let root = find(p, up);
        p.insert(x, root);
        root
    }
    for (a, b, _) in &pairs {
        let (ra, rb) = (find(&mut parent, *a), find(&mut parent, *b));
        if ra != rb {
            parent.insert(ra.max(rb), ra.min(rb));
        }
    }
    let mut components: BTreeMap<At, Vec<At>> = BTreeMap::new();
    let keys: Vec<At> = parent.keys().copied().collect();
    for k in keys {
        let r = find(&mut parent, k);
        components.entry(r).or_default().push(k);
    }
    let mut groups = Vec::new();
    for (_, mut members) in components {
        members.sort_unstable();
        let pos = |x: &At| members.iter().position(|m| m == x).expect("member");
        let member_views: Vec<Member> = members
            .iter()
            .map(|&(ai, si)| Member {
                article: site.article(ai).id.clone(),
                statement: site.doc(ai).statement_id(si).to_string(),
                text: flat(site.doc(ai).statement_text(si)),
                claims: index
                    .linked(ai, si)
                    .iter()
                    .map(|&ci| site.claims[ci].id.clone())
                    .collect(),
            })
            .collect();
        let mut group_pairs = Vec::new();
        for (a, b, c) in pairs.iter().filter(|(a, _, _)| members.contains(a)) {
            let (ta, tb) = (
                site.doc(a.0).statement_text(a.1),
                site.doc(b.0).statement_text(b.1),
            );
            let near = shingle_overlap(ta, tb) >= NEAR_DUPLICATE;
            group_pairs.push(AlignedPair {
                a: pos(a),
                b: pos(b),
                similarity: round(*c),
                near_duplicate: near,
                conflicts: conflicts(ta, tb, near),
            });
        }
        // Links some members have: propose them for the others, with the
        // linked member's stance, or the opposite where the pair conflicts.
        let mut proposals: Vec<Proposal> = Vec::new();
        for p in &group_pairs {
            for (from, to) in [(p.a, p.b), (p.b, p.a)] {
                let (fa, fs) = members[from];
                let (ta, ts) = members[to];
                let ranked = index.rank(site.doc(ta).statement_text(ts));
                for r in site.graph.links(fa, fs) {
                    let ci = r.claim;
                    if index.linked(ta, ts).contains(&ci) {
                        continue;
                    }
                    // Only claims the statement itself is about.
                    if !ranked.iter().any(|&(c, s)| c == ci && s >= MIN_SCORE) {
                        continue;
                    }
                    let claim = &site.claims[ci].id;
                    let text = site.doc(ta).statement_text(ts);
                    if rejected.contains(claim, &site.article(ta).id, text) {
                        continue;
                    }
                    let stance = if p.conflicts.is_empty() {
                        r.stance
                    } else {
                        r.stance.opposite().unwrap_or(r.stance)
                    };
                    if !proposals
                        .iter()
                        .any(|x| x.member == to && x.claim == *claim)
                    {
                        proposals.push(Proposal {
                            member: to,
                            claim: claim.clone(),
                            stance,
                        });
                    }
                }
            }
        }
        let none_linked = member_views.iter().all(|m| m.claims.is_empty());
        let new_claim = none_linked.then(|| {
            member_views
                .iter()
                .map(|m| m.text.clone())
                .min_by_key(|t| t.len())
                .unwrap_or_default()
        });
        let conflicting = group_pairs.iter().any(|p| !p.conflicts.is_empty());
        if proposals.is_empty() && new_claim.is_none() && !conflicting {
            continue;
        }
        groups.push(Group {
            members: member_views,
            pairs: group_pairs,
            proposals,
            new_claim,
        });
    }
    groups
}

/// Jaccard overlap of word trigrams: 1 for identical wording.
fn shingle_overlap(a: &str, b: &str) -> f64 {
    let grams = |t: &str| -> HashSet<String> {
        let w: Vec<String> = words(t).into_iter().map(|w| w.lower).collect();
        if w.len() < 3 {
            return w.into_iter().collect();
        }
        w.windows(3).map(|x| x.join(" ")).collect()
    };
    let (ga, gb) = (grams(a), grams(b));
    let union = ga.union(&gb).count();
    if union == 0 {
        return 0.0;
    }
    ga.intersection(&gb).count() as f64 / union as f64
}
