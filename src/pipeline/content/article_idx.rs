//! Which article: a typed position in [`Content::articles`] (and, once
//! split, in the site's `docs`, which follow the same order).
//!
//! Articles, their documents, claims, evidence and statements are all kept
//! in vectors, and a bare `usize` does not say which one it counts in. An
//! [`ArticleIdx`] indexes only what is per article: articles and documents
//! (slices and vectors; see `document` for `Doc`) and [`PerArticle`]
//! tables, so an article index cannot pick a claim, and a signature that
//! takes one says so. The article and document vectors stay plain `Vec`s
//! (every stage takes them as slices), so a bare `usize` still indexes
//! them: code that means an article takes an `ArticleIdx`.
//!
//! [`Content::articles`]: super::Content::articles

use std::ops::{Index, IndexMut};

use super::Article;

/// The position of an article in the content's (and site's) order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArticleIdx(usize);

impl ArticleIdx {
    /// Only code that walks the articles in order makes one: a number from
    /// elsewhere (a claim's, a statement's) must not become an article.
    pub(crate) fn new(i: usize) -> ArticleIdx {
        ArticleIdx(i)
    }

    /// The position, for arrays laid out per article (the graph's flat
    /// statement table).
    pub fn get(self) -> usize {
        self.0
    }

    /// Every article of `count`, in order.
    pub fn all(count: usize) -> impl DoubleEndedIterator<Item = ArticleIdx> + ExactSizeIterator {
        (0..count).map(ArticleIdx)
    }

    /// `items` (one per article, in order) with their positions.
    pub fn enumerate<T>(
        items: &[T],
    ) -> impl DoubleEndedIterator<Item = (ArticleIdx, &T)> + ExactSizeIterator {
        items.iter().enumerate().map(|(i, t)| (ArticleIdx(i), t))
    }
}

/// `[Article]`, `Vec<Article>`, `[Doc]` and `Vec<Doc>` (the vectors the
/// pipeline and serve keep) take an [`ArticleIdx`] alongside `usize`. A
/// macro so that `document`, which owns `Doc`, says the same for it.
macro_rules! indexed_by_article {
    ($t:ty) => {
        impl std::ops::Index<$crate::pipeline::content::ArticleIdx> for [$t] {
            type Output = $t;
            fn index(&self, i: $crate::pipeline::content::ArticleIdx) -> &$t {
                &self[i.get()]
            }
        }
        impl std::ops::IndexMut<$crate::pipeline::content::ArticleIdx> for [$t] {
            fn index_mut(&mut self, i: $crate::pipeline::content::ArticleIdx) -> &mut $t {
                &mut self[i.get()]
            }
        }
        impl std::ops::Index<$crate::pipeline::content::ArticleIdx> for Vec<$t> {
            type Output = $t;
            fn index(&self, i: $crate::pipeline::content::ArticleIdx) -> &$t {
                &self[i.get()]
            }
        }
        impl std::ops::IndexMut<$crate::pipeline::content::ArticleIdx> for Vec<$t> {
            fn index_mut(&mut self, i: $crate::pipeline::content::ArticleIdx) -> &mut $t {
                &mut self[i.get()]
            }
        }
    };
}

pub(crate) use indexed_by_article;

indexed_by_article!(Article);

/// One `T` per article, in the articles' order, indexed by [`ArticleIdx`]
/// only (the findings' tables: outlet, group, counts of each article).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerArticle<T>(Vec<T>);

impl<T> Default for PerArticle<T> {
    fn default() -> PerArticle<T> {
        PerArticle(Vec::new())
    }
}

impl<T> PerArticle<T> {
    /// `items` must hold one value per article, in order.
    pub(crate) fn new(items: Vec<T>) -> PerArticle<T> {
        PerArticle(items)
    }

    pub(crate) fn get(&self, i: ArticleIdx) -> Option<&T> {
        self.0.get(i.0)
    }

    pub(crate) fn iter(
        &self,
    ) -> impl DoubleEndedIterator<Item = (ArticleIdx, &T)> + ExactSizeIterator {
        ArticleIdx::enumerate(&self.0)
    }
}

impl<T> Index<ArticleIdx> for PerArticle<T> {
    type Output = T;
    fn index(&self, i: ArticleIdx) -> &T {
        &self.0[i.0]
    }
}

impl<T> IndexMut<ArticleIdx> for PerArticle<T> {
    fn index_mut(&mut self, i: ArticleIdx) -> &mut T {
        &mut self.0[i.0]
    }
}
