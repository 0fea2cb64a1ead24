//! The catalogue's search engine: each app server keeps its own tantivy index of the
//! products on sale, in a temporary directory, and answers searches and browsing from it —
//! ranking, filters and exact facet counts over the whole result in one pass.
//!
//! The database stays the truth. A fresh server builds its index from the products (a
//! small catalogue before the server answers, a large one in the background while the
//! databases' own full-text search answers), then follows `search_changes`, a log every
//! write to a product's searchable parts appends to in the writing transaction. Before a
//! search a server applies the rows it has not seen yet (one indexed read when there are
//! none), so a search after a committed write sees that write on every server, and kept
//! pages that follow `page_version` never keep an older result. PostgreSQL hands out log
//! numbers before commit, so a later number can commit first: a server looks back over the
//! rows of the last [`LOOKBACK`] and applies any it missed.

use super::model::{Sort, PRICE_BUCKETS};
use super::repo::{self, SearchFacetRow, SearchSourceRow};
use crate::db::{now_unix, Db};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex, RwLock, Weak};
use std::time::{Duration, Instant};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, RegexQuery, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STRING,
};
use tantivy::{DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentReader};
use tantivy::{TantivyDocument, Term};

/// A catalogue up to this size is indexed before the server answers; a larger one in the
/// background (searches use the database meanwhile).
const BUILD_INLINE_UP_TO: i64 = 20_000;
/// Products read per page while building.
const BUILD_PAGE: i64 = 2_000;
/// How far back a server re-reads the log for rows that committed out of order.
const LOOKBACK: Duration = Duration::from_secs(10);
/// Log rows are kept this long (a server that was stopped longer rebuilds anyway).
const LOG_KEPT_SECONDS: i64 = 86_400;
/// The index writer's memory budget (tantivy's minimum is 15 MB).
const WRITER_MEMORY: usize = 20_000_000;

/// Field weights, as the databases' own search had them: the name counts most, then the
/// specs and categories, the description, the summary.
const TEXT_FIELDS: [(&str, Score); 4] = [
    ("name", 10.0),
    ("specs", 4.0),
    ("description", 3.0),
    ("summary", 1.0),
];
/// A prefix match (search-as-you-type) counts this share of a whole word.
const PREFIX_SHARE: Score = 0.5;
/// A product whose whole name is what was typed comes first.
const EXACT_NAME_BOOST: Score = 1_000.0;

struct Fields {
    id: Field,
    text: [Field; 4],
    exact_name: Field,
    facets: Field,
}

/// Spec and option values as small numbers, so a product's facets are a multi-valued
/// fast field. Numbers are never reused (this server's index only).
#[derive(Default)]
struct FacetNames {
    ids: HashMap<(String, String), u64>,
    /// (name, value, offered as a facet) by id.
    pairs: Vec<(String, String, bool)>,
}

impl FacetNames {
    fn id_of(&mut self, name: &str, value: &str, is_facet: bool) -> u64 {
        if let Some(id) = self.ids.get(&(name.to_string(), value.to_string())) {
            if is_facet {
                self.pairs[*id as usize].2 = true;
            }
            return *id;
        }
        let id = self.pairs.len() as u64;
        self.pairs
            .push((name.to_string(), value.to_string(), is_facet));
        self.ids.insert((name.to_string(), value.to_string()), id);
        id
    }
}

/// Following the change log: rows after `floor` not yet `seen` are to apply. Rows up to
/// `newest` were read in order, so the only ones that can still appear below it are the
/// numbers skipped in between (a transaction that had not committed yet, or rolled back):
/// a catch-up asks for rows after `newest` and for those numbers only.
struct LogPosition {
    floor: i64,
    newest: i64,
    seen: BTreeMap<i64, Instant>,
}

/// At most this many skipped numbers are asked for again (rolled-back transactions leave
/// skipped numbers that never appear; they age out with the lookback).
const MAX_GAPS: usize = 1_000;

impl LogPosition {
    fn new(floor: i64, seen: BTreeMap<i64, Instant>) -> LogPosition {
        let newest = seen
            .last_key_value()
            .map_or(floor, |(seq, _)| *seq)
            .max(floor);
        LogPosition {
            floor,
            newest,
            seen,
        }
    }

    /// Moves the floor past rows seen longer than [`LOOKBACK`] ago.
    fn settle(&mut self) {
        let now = Instant::now();
        while let Some((&seq, &at)) = self.seen.first_key_value() {
            if now.duration_since(at) < LOOKBACK {
                break;
            }
            self.floor = self.floor.max(seq);
            self.seen.remove(&seq);
        }
    }

    /// The numbers between the floor and `newest` not seen yet.
    fn gaps(&self) -> Vec<i64> {
        let mut gaps = Vec::new();
        let mut expected = self.floor + 1;
        for &seq in self.seen.keys() {
            if seq > self.newest || gaps.len() >= MAX_GAPS {
                break;
            }
            gaps.extend((expected..seq).take(MAX_GAPS - gaps.len()));
            expected = seq + 1;
        }
        gaps
    }

    fn mark_seen(&mut self, seq: i64, at: Instant) {
        self.seen.insert(seq, at);
        self.newest = self.newest.max(seq);
    }
}

pub struct Engine {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    facet_names: RwLock<FacetNames>,
    /// The writer and the log position; held while applying changes (one at a time).
    writer: tokio::sync::Mutex<(IndexWriter<TantivyDocument>, LogPosition)>,
}

/// The engine of each store this process serves, once its index is built (the tests run
/// several servers in one process), keyed by `Db::id`. The task following the log holds
/// the engine; when the server's runtime ends, the index (threads, files) goes with it.
static ENGINES: LazyLock<Mutex<HashMap<u64, Weak<Engine>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// This server's engine for `db`, when its index is built.
pub fn ready(db: &Db) -> Option<Arc<Engine>> {
    ENGINES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(&db.id())
        .and_then(Weak::upgrade)
}

/// Builds this server's index for `db` (inline for a small catalogue, else in the
/// background) and keeps it following the log. The server calls it once at start-up.
pub async fn start(db: Db) -> anyhow::Result<()> {
    let products = repo::count_active_products(&db).await?;
    if products <= BUILD_INLINE_UP_TO {
        let engine = build_and_register(&db).await?;
        tokio::spawn(follow(db, engine));
    } else {
        tokio::spawn(async move {
            match build_and_register(&db).await {
                Ok(engine) => follow(db, engine).await,
                Err(e) => {
                    tracing::error!(error = %e, "search index build failed; the database answers searches")
                }
            }
        });
    }
    Ok(())
}

/// Builds the index and makes it the one searches use, for as long as the caller holds it.
pub async fn build_and_register(db: &Db) -> anyhow::Result<Arc<Engine>> {
    let started = Instant::now();
    let engine = Arc::new(Engine::build(db).await?);
    let docs = engine.reader.searcher().num_docs();
    ENGINES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(db.id(), Arc::downgrade(&engine));
    tracing::info!(
        products = docs,
        ms = started.elapsed().as_millis() as u64,
        "search index built"
    );
    Ok(engine)
}

/// Keeps the index warm between searches and prunes the log now and then.
async fn follow(db: Db, engine: Arc<Engine>) {
    let mut ticks: u64 = 0;
    loop {
        tokio::time::sleep(Duration::from_secs(2)).await;
        if let Err(e) = engine.catch_up(&db).await {
            tracing::warn!(error = %e, "search index could not follow the change log");
        }
        ticks += 1;
        if ticks.is_multiple_of(300) {
            if let Err(e) = repo::prune_search_changes(&db, now_unix() - LOG_KEPT_SECONDS).await {
                tracing::warn!(error = %e, "pruning the search change log failed");
            }
        }
    }
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = |builder: &mut tantivy::schema::SchemaBuilder, name: &str| {
        builder.add_text_field(
            name,
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("en_stem")
                    .set_index_option(IndexRecordOption::WithFreqs),
            ),
        )
    };
    let id = builder.add_u64_field("id", FAST | INDEXED);
    let text = [
        text(&mut builder, TEXT_FIELDS[0].0),
        text(&mut builder, TEXT_FIELDS[1].0),
        text(&mut builder, TEXT_FIELDS[2].0),
        text(&mut builder, TEXT_FIELDS[3].0),
    ];
    let exact_name = builder.add_text_field("exact_name", STRING);
    let facets = builder.add_u64_field("facets", FAST);
    builder.add_u64_field("category", FAST);
    builder.add_i64_field("price", FAST);
    builder.add_i64_field("stock", FAST);
    builder.add_u64_field("featured", FAST);
    builder.add_i64_field("created", FAST);
    (
        builder.build(),
        Fields {
            id,
            text,
            exact_name,
            facets,
        },
    )
}

impl Engine {
    async fn build(db: &Db) -> anyhow::Result<Engine> {
        let (schema, fields) = schema();
        let index = Index::create_from_tempdir(schema)?;
        // One indexing thread and one merging thread: searches need the cores more.
        let writer = index.writer_with_options(
            tantivy::indexer::IndexWriterOptions::builder()
                .memory_budget_per_thread(WRITER_MEMORY)
                .num_worker_threads(1)
                .num_merge_threads(1)
                .build(),
        )?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        // Start following the log before reading the products, so nothing written while
        // building is missed. The window's rows already there are in what is read next;
        // only rows that commit later (out of order) are applied afterwards.
        let floor = repo::search_log_start(db, now_unix() - LOOKBACK.as_secs() as i64).await?;
        let now = Instant::now();
        let seen: BTreeMap<i64, Instant> = repo::search_changes_since(db, floor, &[], i64::MAX)
            .await?
            .into_iter()
            .map(|(seq, _)| (seq, now))
            .collect();
        let engine = Engine {
            index,
            reader,
            fields,
            facet_names: RwLock::new(FacetNames::default()),
            writer: tokio::sync::Mutex::new((writer, LogPosition::new(floor, seen))),
        };
        {
            let mut guard = engine.writer.lock().await;
            guard.0.set_merge_policy(Box::new(NoMergePolicy));
            let mut after = 0;
            loop {
                let rows = repo::search_sources_after(db, after, BUILD_PAGE).await?;
                let Some(last) = rows.last() else { break };
                after = last.id;
                let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                let facets = repo::search_facets_for(db, &ids).await?;
                engine.add_documents(&guard.0, &rows, &facets)?;
            }
            let (writer, _) = &mut *guard;
            blocking(|| -> tantivy::Result<()> {
                writer.commit()?;
                // One segment answers faster than the dozen a large build leaves behind
                // (merging by policy was off while building, so none is being merged).
                let segments = engine.index.searchable_segment_ids()?;
                if segments.len() > 1 {
                    writer.merge(&segments).wait()?;
                    writer.garbage_collect_files().wait()?;
                }
                writer.set_merge_policy(Box::new(LogMergePolicy::default()));
                Ok(())
            })?;
            engine.reader.reload()?;
        }
        engine.catch_up(db).await?;
        Ok(engine)
    }

    fn add_documents(
        &self,
        writer: &IndexWriter<TantivyDocument>,
        rows: &[SearchSourceRow],
        facet_rows: &[SearchFacetRow],
    ) -> tantivy::Result<()> {
        let mut by_product: HashMap<i64, Vec<&SearchFacetRow>> = HashMap::new();
        for row in facet_rows {
            by_product.entry(row.0).or_default().push(row);
        }
        let schema = self.index.schema();
        let field = |name: &str| schema.get_field(name).expect("field in schema");
        let (category, price, stock, featured, created) = (
            field("category"),
            field("price"),
            field("stock"),
            field("featured"),
            field("created"),
        );
        let mut names = self
            .facet_names
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for row in rows {
            let facets = by_product.remove(&row.id).unwrap_or_default();
            let mut doc = TantivyDocument::default();
            doc.add_u64(self.fields.id, row.id as u64);
            doc.add_text(self.fields.text[0], &row.name);
            // The product's category and its parent name what kind of thing it is.
            let mut specs = vec![row.category_name.clone()];
            specs.extend(row.parent_name.clone());
            specs.extend(
                facets
                    .iter()
                    .map(|(_, n, v, u, _)| format!("{n} {v} {}", u.as_deref().unwrap_or(""))),
            );
            doc.add_text(self.fields.text[1], specs.join(" "));
            doc.add_text(self.fields.text[2], &row.description_md);
            doc.add_text(self.fields.text[3], &row.summary);
            doc.add_text(self.fields.exact_name, row.name.trim().to_lowercase());
            let mut ids: Vec<u64> = facets
                .iter()
                .map(|(_, n, v, _, is_facet)| names.id_of(n, v, *is_facet != 0))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            for id in ids {
                doc.add_u64(self.fields.facets, id);
            }
            doc.add_u64(category, row.category_id as u64);
            doc.add_i64(price, row.price_cents);
            doc.add_i64(stock, row.stock);
            doc.add_u64(featured, row.featured as u64);
            doc.add_i64(created, row.created_at);
            writer.add_document(doc)?;
        }
        Ok(())
    }

    /// Applies the log rows this server has not seen; one indexed read when there are none.
    pub async fn catch_up(&self, db: &Db) -> anyhow::Result<()> {
        let (newest, gaps) = {
            let mut guard = self.writer.lock().await;
            guard.1.settle();
            (guard.1.newest, guard.1.gaps())
        };
        let mut changes = repo::search_changes_since(db, newest, &gaps, 10_000).await?;
        if changes.is_empty() {
            return Ok(());
        }
        let mut guard = self.writer.lock().await;
        loop {
            // Another search may have applied them while this one waited.
            changes.retain(|(seq, _)| !guard.1.seen.contains_key(seq) && *seq > guard.1.floor);
            if changes.is_empty() {
                break;
            }
            let mut ids: Vec<i64> = changes.iter().map(|(_, id)| *id).collect();
            ids.sort_unstable();
            ids.dedup();
            for chunk in ids.chunks(500) {
                let rows = repo::search_sources_for(db, chunk).await?;
                let facets = repo::search_facets_for(db, chunk).await?;
                let (writer, _) = &mut *guard;
                for id in chunk {
                    writer.delete_term(Term::from_field_u64(self.fields.id, *id as u64));
                }
                self.add_documents(writer, &rows, &facets)?;
            }
            let now = Instant::now();
            for (seq, _) in &changes {
                guard.1.mark_seen(*seq, now);
            }
            if changes.len() < 10_000 {
                break;
            }
            // A long backlog (a bulk import): keep reading after the newest row applied.
            changes = repo::search_changes_since(db, guard.1.newest, &[], 10_000).await?;
        }
        let (writer, _) = &mut *guard;
        blocking(|| writer.commit())?;
        self.reader.reload()?;
        Ok(())
    }

    /// The index's stem of a typed word ("machines" → "machin").
    fn stem(&self, word: &str) -> String {
        let mut analyzer = self
            .index
            .tokenizers()
            .get("en_stem")
            .expect("tantivy registers en_stem");
        let mut stream = analyzer.token_stream(word);
        let mut out = String::new();
        stream.process(&mut |token| {
            if out.is_empty() {
                out = token.text.clone();
            }
        });
        if out.is_empty() {
            word.to_lowercase()
        } else {
            out
        }
    }

    /// Whether any product holds one of these words (or, in a name or spec, a word starting
    /// with it).
    pub fn any_matches(&self, words: &[String]) -> bool {
        let searcher = self.reader.searcher();
        for word in words {
            let stem = self.stem(word);
            let upper = prefix_upper_bound(&stem);
            for segment in searcher.segment_readers() {
                for field in self.fields.text {
                    let Ok(inverted) = segment.inverted_index(field) else {
                        continue;
                    };
                    // As the query matches: the whole word anywhere, its start only in
                    // names and specs (see `text_query`).
                    if field != self.fields.text[0] && field != self.fields.text[1] {
                        if inverted
                            .terms()
                            .get(stem.as_bytes())
                            .ok()
                            .flatten()
                            .is_some()
                        {
                            return true;
                        }
                        continue;
                    }
                    let mut range = inverted.terms().range().ge(stem.as_bytes());
                    if let Some(upper) = &upper {
                        range = range.lt(upper.as_bytes());
                    }
                    if let Ok(mut stream) = range.into_stream() {
                        if stream.advance() {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    /// The text query: every group must match (or, with `any`, one of them); a word
    /// matches as itself or as the start of a longer word, weighted by field.
    fn text_query(&self, exact: &str, groups: &[Vec<String>], any: bool) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for group in groups {
            let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for word in group {
                let stem = self.stem(word);
                for (field, (_, weight)) in self.fields.text.iter().zip(TEXT_FIELDS) {
                    alternatives.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(
                            Box::new(TermQuery::new(
                                Term::from_field_text(*field, &stem),
                                IndexRecordOption::WithFreqs,
                            )),
                            weight,
                        )),
                    ));
                    // Words are letters and digits only (`repo::search_terms`), so the
                    // pattern is the prefix and nothing else. Only names, kinds and specs
                    // are matched by a word's start: in the long texts a short start
                    // ("pro") reaches thousands of words and costs more than it finds.
                    if *field != self.fields.text[0] && *field != self.fields.text[1] {
                        continue;
                    }
                    if let Ok(prefix) = RegexQuery::from_pattern(&format!("{stem}.*"), *field) {
                        alternatives.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(prefix), weight * PREFIX_SHARE)),
                        ));
                    }
                }
            }
            clauses.push((
                if any { Occur::Should } else { Occur::Must },
                Box::new(BooleanQuery::new(alternatives)),
            ));
        }
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.exact_name, exact),
                    IndexRecordOption::Basic,
                )),
                EXACT_NAME_BOOST,
            )),
        ));
        Box::new(BooleanQuery::new(clauses))
    }

    /// One page of matching product ids, in order, with counts over every match.
    pub async fn search(self: &Arc<Self>, request: EngineRequest) -> anyhow::Result<EngineResult> {
        let engine = self.clone();
        Ok(tokio::task::spawn_blocking(move || engine.search_now(&request)).await??)
    }

    fn search_now(&self, request: &EngineRequest) -> tantivy::Result<EngineResult> {
        let searcher = self.reader.searcher();
        let names = self
            .facet_names
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Each chosen spec name becomes the set of facet numbers a product may have; a
        // value no product has leaves its set empty, so nothing matches (as it should).
        let mut wanted: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
        for (name, value) in &request.specs {
            let set = wanted.entry(name.as_str()).or_default();
            if let Some(id) = names.ids.get(&(name.clone(), value.clone())) {
                set.push(*id);
            }
        }
        let filter = Arc::new(Filter {
            categories: request.categories.clone(),
            min_price: request.min_price,
            max_price: request.max_price,
            in_stock: request.in_stock,
            specs: wanted.into_values().collect(),
            sort: request.sort,
            scored: !request.groups.is_empty() && request.sort == Sort::Relevance,
            keep: (request.offset + request.limit) as usize,
            facet_count: names.pairs.len(),
        });
        let exact = request.exact.trim().to_lowercase();
        let mut gathered = if request.groups.is_empty() {
            searcher.search(&AllQuery, &Gather(filter.clone()))?
        } else {
            searcher.search(
                &*self.text_query(&exact, &request.groups, false),
                &Gather(filter.clone()),
            )?
        };
        if gathered.text_matches == 0 && request.groups.len() > 1 {
            // Nothing has every word: rank by how many they have.
            gathered = searcher.search(
                &*self.text_query(&exact, &request.groups, true),
                &Gather(filter.clone()),
            )?;
        }
        let mut top: Vec<(Key, u64)> = gathered.top.into_iter().map(|Reverse(k)| k).collect();
        top.sort_by(|a, b| b.cmp(a));
        let ids = top
            .into_iter()
            .skip(request.offset as usize)
            .take(request.limit as usize)
            .map(|(_, id)| id as i64)
            .collect();
        let mut specs: Vec<(String, String, i64)> = gathered
            .facets
            .iter()
            .enumerate()
            .filter(|(i, count)| **count > 0 && names.pairs.get(*i).is_some_and(|p| p.2))
            .map(|(i, count)| {
                let (name, value, _) = &names.pairs[i];
                (name.clone(), value.clone(), *count as i64)
            })
            .collect();
        specs.sort();
        let mut categories: Vec<(i64, i64)> = gathered
            .categories
            .into_iter()
            .map(|(c, n)| (c as i64, n as i64))
            .collect();
        categories.sort_unstable();
        Ok(EngineResult {
            ids,
            total: gathered.total as i64,
            in_stock: gathered.in_stock as i64,
            price_buckets: gathered.buckets.map(|n| n as i64),
            categories,
            specs,
        })
    }

    /// Products in the index (for the benchmark's report).
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Runs blocking index work (a commit) off the async threads where the runtime allows.
fn blocking<T>(work: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}

/// The smallest string greater than every string starting with `prefix`, if any.
fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = char::from_u32(last as u32 + 1) {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// What a search asks of the engine (the text already understood: typos fixed, synonyms
/// added).
#[derive(Debug, Clone)]
pub struct EngineRequest {
    /// What was typed, for the exact-name match.
    pub exact: String,
    pub groups: Vec<Vec<String>>,
    pub categories: Option<HashSet<u64>>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub in_stock: bool,
    pub specs: Vec<(String, String)>,
    pub sort: Sort,
    pub offset: i64,
    pub limit: i64,
}

/// The page's ids and the counts over the whole result.
#[derive(Debug, Clone)]
pub struct EngineResult {
    pub ids: Vec<i64>,
    pub total: i64,
    pub in_stock: i64,
    /// Per entry of [`PRICE_BUCKETS`].
    pub price_buckets: [i64; PRICE_BUCKETS.len()],
    /// (category id, matching products directly in it).
    pub categories: Vec<(i64, i64)>,
    /// (name, value, matching products), by name then value.
    pub specs: Vec<(String, String, i64)>,
}

struct Filter {
    categories: Option<HashSet<u64>>,
    min_price: Option<i64>,
    max_price: Option<i64>,
    in_stock: bool,
    /// Per chosen spec name, the facet numbers a product needs one of.
    specs: Vec<Vec<u64>>,
    sort: Sort,
    scored: bool,
    keep: usize,
    facet_count: usize,
}

/// Orders results, best first: (score, then two tie-breaks) per sort.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Key(Score, i64, i64);

impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0
            .total_cmp(&other.0)
            .then(self.1.cmp(&other.1))
            .then(self.2.cmp(&other.2))
    }
}

/// Everything a search needs from one pass over the matches.
struct Gathered {
    text_matches: u64,
    total: u64,
    in_stock: u64,
    buckets: [u64; PRICE_BUCKETS.len()],
    categories: HashMap<u64, u64>,
    facets: Vec<u64>,
    /// The best `keep` so far, worst on top.
    top: BinaryHeap<Reverse<(Key, u64)>>,
}

impl Gathered {
    fn new(facet_count: usize) -> Gathered {
        Gathered {
            text_matches: 0,
            total: 0,
            in_stock: 0,
            buckets: [0; PRICE_BUCKETS.len()],
            categories: HashMap::new(),
            facets: vec![0; facet_count],
            top: BinaryHeap::new(),
        }
    }

    fn offer(&mut self, key: (Key, u64), keep: usize) {
        if keep == 0 {
            return;
        }
        if self.top.len() < keep {
            self.top.push(Reverse(key));
        } else if self.top.peek().is_some_and(|Reverse(worst)| key > *worst) {
            self.top.pop();
            self.top.push(Reverse(key));
        }
    }
}

struct Gather(Arc<Filter>);

struct GatherSegment {
    filter: Arc<Filter>,
    id: Column<u64>,
    category: Column<u64>,
    price: Column<i64>,
    stock: Column<i64>,
    featured: Column<u64>,
    created: Column<i64>,
    facets: Column<u64>,
    out: Gathered,
    doc_facets: Vec<u64>,
}

impl Collector for Gather {
    type Fruit = Gathered;
    type Child = GatherSegment;

    fn for_segment(
        &self,
        _segment_local_id: u32,
        segment: &SegmentReader,
    ) -> tantivy::Result<GatherSegment> {
        let fast = segment.fast_fields();
        Ok(GatherSegment {
            filter: self.0.clone(),
            id: fast.u64("id")?,
            category: fast.u64("category")?,
            price: fast.i64("price")?,
            stock: fast.i64("stock")?,
            featured: fast.u64("featured")?,
            created: fast.i64("created")?,
            facets: fast.u64("facets")?,
            out: Gathered::new(self.0.facet_count),
            doc_facets: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.0.scored
    }

    fn merge_fruits(&self, fruits: Vec<Gathered>) -> tantivy::Result<Gathered> {
        let mut all = Gathered::new(self.0.facet_count);
        for part in fruits {
            all.text_matches += part.text_matches;
            all.total += part.total;
            all.in_stock += part.in_stock;
            for (a, b) in all.buckets.iter_mut().zip(part.buckets) {
                *a += b;
            }
            for (c, n) in part.categories {
                *all.categories.entry(c).or_default() += n;
            }
            for (a, b) in all.facets.iter_mut().zip(part.facets) {
                *a += b;
            }
            for Reverse(key) in part.top {
                all.offer(key, self.0.keep);
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for GatherSegment {
    type Fruit = Gathered;

    fn collect(&mut self, doc: DocId, score: Score) {
        let filter = &*self.filter;
        self.out.text_matches += 1;
        let category = self.category.first(doc).unwrap_or_default();
        if filter
            .categories
            .as_ref()
            .is_some_and(|set| !set.contains(&category))
        {
            return;
        }
        let price = self.price.first(doc).unwrap_or_default();
        if filter.min_price.is_some_and(|min| price < min)
            || filter.max_price.is_some_and(|max| price > max)
        {
            return;
        }
        let stock = self.stock.first(doc).unwrap_or_default();
        if filter.in_stock && stock <= 0 {
            return;
        }
        self.doc_facets.clear();
        self.doc_facets.extend(self.facets.values_for_doc(doc));
        if !filter
            .specs
            .iter()
            .all(|allowed| allowed.iter().any(|id| self.doc_facets.contains(id)))
        {
            return;
        }
        let out = &mut self.out;
        out.total += 1;
        if stock > 0 {
            out.in_stock += 1;
        }
        for (count, (min, max)) in out.buckets.iter_mut().zip(PRICE_BUCKETS) {
            if min.is_none_or(|min| price >= min) && max.is_none_or(|max| price < max) {
                *count += 1;
            }
        }
        *out.categories.entry(category).or_default() += 1;
        for id in &self.doc_facets {
            if let Some(count) = out.facets.get_mut(*id as usize) {
                *count += 1;
            }
        }
        let id = self.id.first(doc).unwrap_or_default();
        let signed = id as i64;
        let key = match (filter.scored, filter.sort) {
            (true, _) => Key(score, 0, -signed),
            (false, Sort::Relevance) => Key(
                self.featured.first(doc).unwrap_or_default() as Score,
                self.created.first(doc).unwrap_or_default(),
                signed,
            ),
            (false, Sort::PriceAsc) => Key(0.0, -price, -signed),
            (false, Sort::PriceDesc) => Key(0.0, price, -signed),
            (false, Sort::Newest) => Key(0.0, self.created.first(doc).unwrap_or_default(), signed),
        };
        out.offer((key, id), filter.keep);
    }

    fn harvest(self) -> Gathered {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_bounds_cover_exactly_the_prefix() {
        assert_eq!(prefix_upper_bound("grind").as_deref(), Some("grine"));
        assert_eq!(prefix_upper_bound(""), None);
        assert!("grinder" < "grine" && "grinder" >= "grind");
    }

    #[test]
    fn a_catch_up_asks_only_for_new_rows_and_skipped_numbers() {
        let now = Instant::now();
        let seen: BTreeMap<i64, Instant> = [11, 12, 14, 15, 18].map(|s| (s, now)).into();
        let position = LogPosition::new(10, seen);
        assert_eq!(position.newest, 18);
        assert_eq!(position.gaps(), vec![13, 16, 17]);
        let empty = LogPosition::new(10, BTreeMap::new());
        assert_eq!((empty.newest, empty.gaps()), (10, vec![]));
    }

    #[test]
    fn keys_order_best_first() {
        let mut gathered = Gathered::new(0);
        for (i, score) in [1.0, 5.0, 3.0, 4.0].into_iter().enumerate() {
            gathered.offer((Key(score, 0, -(i as i64)), i as u64), 2);
        }
        let mut kept: Vec<u64> = gathered
            .top
            .into_iter()
            .map(|Reverse((_, id))| id)
            .collect();
        kept.sort_unstable();
        assert_eq!(kept, vec![1, 3], "the two best scores stay");
    }
}
