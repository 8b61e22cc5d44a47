//! A letter as a PDF in the shape of the tata naskah dinas: the village
//! letterhead with its double rule, the underlined title and its number, the
//! body (paragraphs justified, "Nama : Budi" rows with aligned colons), and the
//! signature block on the right with the QR code in the signing space.
//!
//! Liberation Sans (metric-compatible with Arial) is embedded as a subset, and
//! text is drawn as real glyph runs with their Unicode mapping, so it can be
//! selected and read back (`pdftotext`). Rendering is deterministic, with no
//! date or random id, so a reprint of the same letter is the same bytes; the
//! signature slot that `seal::sign_pdf` fills is reserved here, in /Keywords.

use crate::letters::seal;
use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size as FontSize};
use std::sync::OnceLock;

static REGULAR_TTF: &[u8] = include_bytes!("../../data/fonts/LiberationSans-Regular.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../data/fonts/LiberationSans-Bold.ttf");

/// Points per millimetre.
const MM: f32 = 72.0 / 25.4;
const MARGIN_LEFT: f32 = 25.0 * MM;
const MARGIN_RIGHT: f32 = 20.0 * MM;
const MARGIN_TOP: f32 = 15.0 * MM;
const MARGIN_BOTTOM: f32 = 20.0 * MM;
const BODY_SIZE: f32 = 12.0;
const LEADING: f32 = 1.3 * BODY_SIZE;
const PARAGRAPH_GAP: f32 = 0.5 * LEADING;
const INDENT: f32 = 12.5 * MM;
const CAPTION_SIZE: f32 = 8.0;
const QR_SIDE: f32 = 26.0 * MM;
const LOGO_MAX: f32 = 24.0 * MM;
/// Body lines carried to the next page with a signature block that does not
/// fit, so the block never stands alone.
const KEEP_WITH_SIGNATURE: usize = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paper {
    /// 215 × 330 mm, the usual paper in village offices.
    F4,
    A4,
}

impl Paper {
    fn size(self) -> (f32, f32) {
        match self {
            Paper::F4 => (215.0 * MM, 330.0 * MM),
            Paper::A4 => (210.0 * MM, 297.0 * MM),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Letterhead {
    pub logo_png: Option<Vec<u8>>,
    /// e.g. "PEMERINTAH KABUPATEN BANYUMAS", "KECAMATAN …", "DESA SUKAMAJU"; the last is larger.
    pub lines: Vec<String>,
    pub address: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// Justified, first line indented; a `\n` starts a new paragraph.
    Paragraph(String),
    /// "Nama : Budi" rows with the colons aligned.
    Fields(Vec<(String, String)>),
    Heading(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Signer {
    /// "Sukamaju, 28 November 2026"
    pub place_date: String,
    /// "Kepala Desa Sukamaju", or "a.n. Kepala Desa Sukamaju\nSekretaris Desa"
    pub position: String,
    pub name: String,
    pub nip: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QrMark {
    /// What the QR encodes: the verify URL with the sealed payload
    /// (`seal::verify_url`). Printable ASCII without `(`, `)` or `\`.
    pub text: String,
    /// e.g. "Ditandatangani secara elektronik. Periksa di https://balai.local/verify"
    pub caption: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LetterDocument {
    pub paper: Paper,
    pub letterhead: Letterhead,
    pub title: String,
    pub number: String,
    pub body: Vec<Block>,
    pub signer: Signer,
    pub qr: Option<QrMark>,
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum PdfError {
    #[error("logo desa bukan gambar PNG yang terbaca / the village logo is not a readable PNG image: {0}")]
    Logo(String),
    #[error(
        "teks QR harus berupa URL ASCII tanpa tanda kurung / the QR text must be a printable ASCII URL without parentheses or backslashes"
    )]
    QrText,
    #[error("teks QR terlalu panjang untuk kode QR / the QR text is too long for a QR code: {0}")]
    QrTooLong(String),
    #[error("PDF tidak dapat dibuat / the PDF could not be written: {0}")]
    Write(String),
    #[error(transparent)]
    Sign(#[from] seal::SealError),
}

/// One embedded font: krilla's handle for drawing, skrifa's tables for measuring.
struct Face {
    font: Font,
    charmap: skrifa::charmap::Charmap<'static>,
    metrics: skrifa::metrics::GlyphMetrics<'static>,
    units_per_em: f32,
}

impl Face {
    fn load(data: &'static [u8]) -> Face {
        // The fonts are compiled in and tested; failing to read them is a build defect.
        let font_ref = skrifa::FontRef::new(data).expect("embedded font parses");
        let font = Font::new(data.into(), 0).expect("embedded font loads");
        Face {
            units_per_em: font.units_per_em(),
            font,
            charmap: font_ref.charmap(),
            metrics: font_ref.glyph_metrics(FontSize::unscaled(), LocationRef::default()),
        }
    }

    /// Glyphs with advances per em, one per character (Latin text needs no shaping).
    fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(i, c)| {
                let id = self.charmap.map(c).unwrap_or_default();
                let advance = self.metrics.advance_width(id).unwrap_or(0.0) / self.units_per_em;
                KrillaGlyph::new(GlyphId::new(id.to_u32()), advance, 0.0, 0.0, 0.0, i..i + c.len_utf8(), None)
            })
            .collect()
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.metrics.advance_width(self.charmap.map(c).unwrap_or_default()).unwrap_or(0.0))
            .sum::<f32>()
            * size
            / self.units_per_em
    }
}

struct Faces {
    regular: Face,
    bold: Face,
}

fn faces() -> &'static Faces {
    static FACES: OnceLock<Faces> = OnceLock::new();
    FACES.get_or_init(|| Faces { regular: Face::load(REGULAR_TTF), bold: Face::load(BOLD_TTF) })
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Weight {
    Regular,
    Bold,
}

impl Weight {
    fn face(self) -> &'static Face {
        match self {
            Weight::Regular => &faces().regular,
            Weight::Bold => &faces().bold,
        }
    }
}

/// Something drawn, placed relative to the top of its row.
#[derive(Clone, Debug)]
enum Mark {
    /// `word_gap`: extra points added to every space (justification).
    /// `tabs`: (char index, x): that character (a space) stretches so the next
    /// one starts at x; a "Nama : Budi" row stays one run, read back as one line.
    Text {
        x: f32,
        baseline: f32,
        weight: Weight,
        size: f32,
        text: String,
        word_gap: f32,
        tabs: Vec<(usize, f32)>,
    },
    Bar {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    Qr {
        x: f32,
        y: f32,
        side: f32,
    },
    Logo {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

/// A unit of the flow that is never split across pages.
#[derive(Clone, Debug, Default)]
struct Row {
    height: f32,
    marks: Vec<Mark>,
    /// Blank space: dropped at the top of a page.
    gap: bool,
}

impl Row {
    fn gap(height: f32) -> Row {
        Row { height, marks: Vec::new(), gap: true }
    }
    fn line(height: f32, marks: Vec<Mark>) -> Row {
        Row { height, marks, gap: false }
    }
}

fn text_mark(x: f32, baseline: f32, weight: Weight, size: f32, text: &str) -> Mark {
    Mark::Text { x, baseline, weight, size, text: text.to_string(), word_gap: 0.0, tabs: Vec::new() }
}

/// Greedy line breaking at spaces; a word wider than the line is cut by characters.
fn wrap(text: &str, weight: Weight, size: f32, first_width: f32, width: f32) -> Vec<String> {
    let face = weight.face();
    let space = face.width(" ", size);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_w = 0.0;
    for word in text.split_whitespace() {
        let limit = if lines.is_empty() { first_width } else { width };
        let word_w = face.width(word, size);
        if !line.is_empty() && line_w + space + word_w <= limit {
            line.push(' ');
            line.push_str(word);
            line_w += space + word_w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let limit = if lines.is_empty() { first_width } else { width };
        if word_w <= limit {
            line = word.to_string();
            line_w = word_w;
            continue;
        }
        // Longer than a whole line (a URL, a long number): cut it.
        for c in word.chars() {
            let c_w = face.width(c.encode_utf8(&mut [0; 4]), size);
            let limit = if lines.is_empty() { first_width } else { width };
            if !line.is_empty() && line_w + c_w > limit {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            line.push(c);
            line_w += c_w;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Page geometry of one letter.
struct Frame {
    width: f32,
    height: f32,
    left: f32,
    right: f32,
}

impl Frame {
    fn new(paper: Paper) -> Frame {
        let (width, height) = paper.size();
        Frame { width, height, left: MARGIN_LEFT, right: width - MARGIN_RIGHT }
    }
    fn content_width(&self) -> f32 {
        self.right - self.left
    }
    fn centre(&self) -> f32 {
        (self.left + self.right) / 2.0
    }
}

/// A centred line of one size, shrunk to fit `max_width` if it is too long.
fn centred(text: &str, weight: Weight, size: f32, centre: f32, max_width: f32, baseline: f32) -> Mark {
    let natural = weight.face().width(text, size);
    let size = if natural > max_width && natural > 0.0 { size * max_width / natural } else { size };
    let w = weight.face().width(text, size);
    text_mark(centre - w / 2.0, baseline, weight, size, text)
}

/// The letterhead: logo at the left, lines centred on the page, address, and
/// the double rule (thick over thin) under it.
fn letterhead_rows(head: &Letterhead, logo: Option<&Image>, frame: &Frame) -> Vec<Row> {
    let mut marks = Vec::new();
    let logo_box = logo.map(|image| {
        let (w, h) = image.size();
        let scale = LOGO_MAX / (w.max(h).max(1) as f32);
        (w as f32 * scale, h as f32 * scale)
    });
    // Centred on the page, kept clear of the logo on both sides.
    let reserve = logo_box.map_or(0.0, |(w, _)| w + 3.0 * MM);
    let text_width = frame.content_width() - 2.0 * reserve;
    let mut y = 0.0;
    let count = head.lines.len();
    for (i, line) in head.lines.iter().enumerate() {
        let size = if i + 1 == count { 16.0 } else { 14.0 };
        y += size * 1.2;
        marks.push(centred(line, Weight::Bold, size, frame.centre(), text_width, y - size * 0.22));
    }
    if !head.address.trim().is_empty() {
        for line in head.address.lines().filter(|l| !l.trim().is_empty()) {
            y += 10.0 * 1.3;
            marks.push(centred(line.trim(), Weight::Regular, 10.0, frame.centre(), text_width, y - 2.5));
        }
    }
    if let Some((w, h)) = logo_box {
        marks.insert(0, Mark::Logo { x: frame.left, y: ((y - h) / 2.0).max(0.0), w, h });
        y = y.max(h);
    }
    y += 2.5 * MM;
    marks.push(Mark::Bar { x: frame.left, y, w: frame.content_width(), h: 2.0 });
    marks.push(Mark::Bar { x: frame.left, y: y + 3.0, w: frame.content_width(), h: 0.6 });
    y += 3.6;
    vec![Row::line(y, marks), Row::gap(6.0 * MM)]
}

/// The title, underlined, and its number, centred.
fn title_rows(doc: &LetterDocument, frame: &Frame) -> Vec<Row> {
    let size = 13.0;
    let mut rows = Vec::new();
    for line in wrap(&doc.title, Weight::Bold, size, frame.content_width(), frame.content_width()) {
        let w = Weight::Bold.face().width(&line, size);
        let x = frame.centre() - w / 2.0;
        let baseline = size * 1.1;
        let marks =
            vec![text_mark(x, baseline, Weight::Bold, size, &line), Mark::Bar { x, y: baseline + 2.0, w, h: 0.8 }];
        rows.push(Row::line(size * 1.35, marks));
    }
    let number = format!("Nomor: {}", doc.number);
    rows.push(Row::line(
        LEADING,
        vec![centred(&number, Weight::Regular, BODY_SIZE, frame.centre(), frame.content_width(), BODY_SIZE)],
    ));
    rows.push(Row::gap(5.0 * MM));
    rows
}

fn body_line(x: f32, weight: Weight, text: String, word_gap: f32) -> Row {
    Row::line(
        LEADING,
        vec![Mark::Text { x, baseline: BODY_SIZE, weight, size: BODY_SIZE, text, word_gap, tabs: Vec::new() }],
    )
}

fn paragraph_rows(text: &str, frame: &Frame) -> Vec<Row> {
    let mut rows = Vec::new();
    let face = Weight::Regular.face();
    let width = frame.content_width();
    for paragraph in text.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
        let lines = wrap(paragraph, Weight::Regular, BODY_SIZE, width - INDENT, width);
        let last = lines.len() - 1;
        for (i, line) in lines.into_iter().enumerate() {
            let x = if i == 0 { frame.left + INDENT } else { frame.left };
            let room = frame.right - x;
            let spaces = line.matches(' ').count();
            // Justify every line but the last of the paragraph.
            let gap = if i < last && spaces > 0 {
                ((room - face.width(&line, BODY_SIZE)) / spaces as f32).max(0.0)
            } else {
                0.0
            };
            rows.push(body_line(x, Weight::Regular, line, gap));
        }
        rows.push(Row::gap(PARAGRAPH_GAP));
    }
    rows
}

fn fields_rows(fields: &[(String, String)], frame: &Frame) -> Vec<Row> {
    let face = Weight::Regular.face();
    let label_x = frame.left + INDENT;
    let widest = fields.iter().map(|(label, _)| face.width(label, BODY_SIZE)).fold(0.0, f32::max);
    let label_width = widest.min(0.4 * frame.content_width());
    let colon_x = label_x + label_width + 2.0 * MM;
    let value_x = colon_x + face.width(":", BODY_SIZE) + 2.0 * MM;
    let mut rows = Vec::new();
    for (label, value) in fields {
        let labels = wrap(label, Weight::Regular, BODY_SIZE, label_width, label_width);
        let values = wrap(value, Weight::Regular, BODY_SIZE, frame.right - value_x, frame.right - value_x);
        for i in 0..labels.len().max(values.len()) {
            let label = labels.get(i).map_or("", String::as_str);
            let mut text = label.to_string();
            let mut tabs = Vec::new();
            let mut x = label_x;
            if label.is_empty() && i > 0 {
                // A continuation line of the value starts at the value column.
                x = value_x;
            } else {
                tabs.push((text.chars().count(), if i == 0 { colon_x } else { value_x }));
                text.push(' ');
            }
            if i == 0 {
                text.push(':');
                tabs.push((text.chars().count(), value_x));
                text.push(' ');
            }
            if let Some(v) = values.get(i) {
                text.push_str(v);
            }
            let text = text.trim_end().to_string();
            tabs.retain(|(at, _)| *at < text.chars().count());
            let marks = vec![Mark::Text {
                x,
                baseline: BODY_SIZE,
                weight: Weight::Regular,
                size: BODY_SIZE,
                text,
                word_gap: 0.0,
                tabs,
            }];
            rows.push(Row::line(LEADING, marks));
        }
    }
    rows.push(Row::gap(PARAGRAPH_GAP));
    rows
}

fn heading_rows(text: &str, frame: &Frame) -> Vec<Row> {
    let mut rows = vec![Row::gap(PARAGRAPH_GAP)];
    for line in wrap(text, Weight::Bold, BODY_SIZE, frame.content_width(), frame.content_width()) {
        rows.push(body_line(frame.left, Weight::Bold, line, 0.0));
    }
    rows.push(Row::gap(PARAGRAPH_GAP / 2.0));
    rows
}

/// The signature block: a column on the right, lines centred in it, the QR
/// (or blank space for a wet signature) between the position and the name.
fn signature_row(signer: &Signer, with_qr: bool, frame: &Frame) -> Row {
    let column_left = frame.left + 0.52 * frame.content_width();
    let column_width = frame.right - column_left;
    let centre = column_left + column_width / 2.0;
    let mut marks = Vec::new();
    let mut y = 0.0;
    let line = |text: &str, weight: Weight, y: &mut f32, marks: &mut Vec<Mark>| {
        for part in wrap(text, weight, BODY_SIZE, column_width, column_width) {
            *y += LEADING;
            marks.push(centred(&part, weight, BODY_SIZE, centre, column_width, *y - LEADING + BODY_SIZE));
        }
    };
    line(&signer.place_date, Weight::Regular, &mut y, &mut marks);
    for part in signer.position.lines() {
        line(part, Weight::Regular, &mut y, &mut marks);
    }
    y += 2.0 * MM;
    if with_qr {
        marks.push(Mark::Qr { x: centre - QR_SIDE / 2.0, y, side: QR_SIDE });
    }
    y += QR_SIDE + 2.0 * MM;
    let before_name = marks.len();
    line(&signer.name, Weight::Bold, &mut y, &mut marks);
    // The signer's name is underlined on Indonesian letters.
    let underlines: Vec<Mark> = marks[before_name..]
        .iter()
        .filter_map(|m| match m {
            Mark::Text { x, baseline, text, size, .. } => {
                Some(Mark::Bar { x: *x, y: baseline + 1.8, w: Weight::Bold.face().width(text, *size), h: 0.7 })
            }
            _ => None,
        })
        .collect();
    marks.extend(underlines);
    if let Some(nip) = signer.nip.as_deref().filter(|n| !n.trim().is_empty()) {
        line(&format!("NIP. {}", nip.trim()), Weight::Regular, &mut y, &mut marks);
    }
    Row::line(y, marks)
}

/// The caption under the signature block's page: small print across the page.
fn caption_rows(caption: &str, frame: &Frame) -> Vec<Row> {
    wrap(caption, Weight::Regular, CAPTION_SIZE, frame.content_width(), frame.content_width())
        .into_iter()
        .map(|l| {
            Row::line(CAPTION_SIZE * 1.3, vec![text_mark(frame.left, CAPTION_SIZE, Weight::Regular, CAPTION_SIZE, &l)])
        })
        .collect()
}

/// Rows placed on pages: (page index, top y, row).
type Placed = Vec<(usize, f32, Row)>;

/// Fills pages top to bottom; the signature block (the last row) takes the
/// last body lines along when it must move to a new page.
fn paginate(first_top: f32, rows: Vec<Row>, later_top: f32, bottom: f32) -> Placed {
    let mut placed: Placed = Vec::with_capacity(rows.len());
    let mut page = 0;
    let mut page_top = first_top;
    let mut y = first_top;
    let count = rows.len();
    for (i, row) in rows.into_iter().enumerate() {
        if y + row.height > bottom && y > page_top {
            if row.gap {
                continue;
            }
            let carried = if i + 1 == count { take_last_lines(&mut placed, page) } else { Vec::new() };
            page += 1;
            page_top = later_top;
            y = later_top;
            for r in carried.into_iter().skip_while(|r| r.gap) {
                let h = r.height;
                placed.push((page, y, r));
                y += h;
            }
        }
        if row.gap && y <= page_top && page > 0 {
            continue;
        }
        let h = row.height;
        placed.push((page, y, row));
        y += h;
    }
    placed
}

/// Takes the last `KEEP_WITH_SIGNATURE` lines of `page` off it (and the gaps
/// among them), leaving at least one line behind so no page is emptied.
fn take_last_lines(placed: &mut Placed, page: usize) -> Vec<Row> {
    while placed.last().is_some_and(|(p, _, r)| *p == page && r.gap) {
        placed.pop();
    }
    let on_page: Vec<bool> = placed.iter().rev().take_while(|(p, _, _)| *p == page).map(|(_, _, r)| r.gap).collect();
    let lines_on_page = on_page.iter().filter(|gap| !**gap).count();
    let keep = KEEP_WITH_SIGNATURE.min(lines_on_page.saturating_sub(1));
    let mut take = 0;
    let mut lines = 0;
    while lines < keep {
        if !on_page[take] {
            lines += 1;
        }
        take += 1;
    }
    placed.split_off(placed.len() - take).into_iter().map(|(_, _, r)| r).collect()
}

/// Renders a letter. Deterministic: the same document gives the same bytes.
pub fn render(doc: &LetterDocument) -> Result<Vec<u8>, PdfError> {
    let frame = Frame::new(doc.paper);
    let qr = match &doc.qr {
        Some(mark) => Some((qr_modules(&mark.text)?, mark)),
        None => None,
    };
    let logo = match &doc.letterhead.logo_png {
        Some(png) => Some(Image::from_png(png.clone().into(), true).map_err(PdfError::Logo)?),
        None => None,
    };

    let mut rows = letterhead_rows(&doc.letterhead, logo.as_ref(), &frame);
    rows.extend(title_rows(doc, &frame));
    for block in &doc.body {
        rows.extend(match block {
            Block::Paragraph(text) => paragraph_rows(text, &frame),
            Block::Fields(fields) => fields_rows(fields, &frame),
            Block::Heading(text) => heading_rows(text, &frame),
        });
    }
    rows.push(Row::gap(4.0 * MM));
    rows.push(signature_row(&doc.signer, qr.is_some(), &frame));

    let caption = qr.as_ref().map(|(_, mark)| caption_rows(&mark.caption, &frame)).unwrap_or_default();
    let caption_height: f32 = caption.iter().map(|r| r.height).sum();
    let bottom = frame.height - MARGIN_BOTTOM - caption_height - if caption.is_empty() { 0.0 } else { 3.0 * MM };
    let page_number_height = LEADING * 2.0;
    let placed = paginate(MARGIN_TOP, rows, MARGIN_TOP + page_number_height, bottom);
    let pages = placed.last().map_or(1, |(p, _, _)| p + 1);

    let settings = krilla::SerializeSettings { xmp_metadata: false, ..Default::default() };
    let mut document = Document::new_with(settings);
    document.set_metadata(metadata(doc));
    let size = PageSettings::from_wh(frame.width, frame.height).ok_or_else(|| PdfError::Write("page size".into()))?;
    for page_index in 0..pages {
        let mut page = document.start_page_with(size.clone());
        let mut surface = page.surface();
        if page_index > 0 {
            let number = format!("- {} -", page_index + 1);
            draw(
                &mut surface,
                &centred(&number, Weight::Regular, BODY_SIZE, frame.centre(), frame.content_width(), BODY_SIZE),
                MARGIN_TOP,
                None,
                None,
            );
        }
        for (_, top, row) in placed.iter().filter(|(p, _, _)| *p == page_index) {
            for mark in &row.marks {
                draw(&mut surface, mark, *top, qr.as_ref().map(|(m, _)| m), logo.as_ref());
            }
        }
        if page_index + 1 == pages {
            let mut y = frame.height - MARGIN_BOTTOM - caption_height;
            for row in &caption {
                for mark in &row.marks {
                    draw(&mut surface, mark, y, None, None);
                }
                y += row.height;
            }
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

/// Title, creator and the /Keywords that carry the signature slot and the QR text.
fn metadata(doc: &LetterDocument) -> Metadata {
    let mut keywords = vec![format!("{}{}", seal::SIGNATURE_MARKER, "0".repeat(seal::SLOT_LEN))];
    if let Some(qr) = &doc.qr {
        // Joined with ", " by krilla: QR_MARKER's leading ", " is that join.
        keywords.push(format!("{}{}", seal::QR_MARKER.trim_start_matches(", "), qr.text));
    }
    let title = format!("{} {}", doc.title, doc.number);
    Metadata::new()
        .title(title.trim().to_string())
        .creator("Balai".into())
        .producer("Balai".into())
        .language("id".into())
        .keywords(keywords)
}

/// The QR's dark modules, row by row, checked to be safe to carry in /Keywords.
fn qr_modules(text: &str) -> Result<Vec<Vec<bool>>, PdfError> {
    let safe = |b: u8| b.is_ascii_graphic() && !matches!(b, b'(' | b')' | b'\\');
    if text.is_empty() || !text.bytes().all(safe) {
        return Err(PdfError::QrText);
    }
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| PdfError::QrTooLong(e.to_string()))?;
    let width = code.width();
    let colors = code.to_colors();
    Ok(colors.chunks(width).map(|row| row.iter().map(|c| *c == qrcode::Color::Dark).collect()).collect())
}

fn draw(surface: &mut Surface, mark: &Mark, top: f32, qr: Option<&Vec<Vec<bool>>>, logo: Option<&Image>) {
    match mark {
        Mark::Text { x, baseline, weight, size, text, word_gap, tabs } => {
            let face = weight.face();
            let mut glyphs = face.glyphs(text);
            let mut pen = *x;
            for (i, (g, c)) in glyphs.iter_mut().zip(text.chars()).enumerate() {
                if c == ' ' {
                    g.x_advance += word_gap / size;
                }
                if let Some((_, stop)) = tabs.iter().find(|(at, _)| *at == i) {
                    g.x_advance = ((stop - pen) / size).max(g.x_advance);
                }
                pen += g.x_advance * size;
            }
            surface.draw_glyphs(Point::from_xy(*x, top + baseline), &glyphs, face.font.clone(), text, *size, false);
        }
        Mark::Logo { x, y, w, h } => {
            if let (Some(image), Some(size)) = (logo, Size::from_wh(*w, *h)) {
                surface.push_transform(&Transform::from_translate(*x, top + y));
                surface.draw_image(image.clone(), size);
                surface.pop();
            }
        }
        Mark::Bar { x, y, w, h } => {
            let mut path = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(*x, top + y, *w, *h) {
                path.push_rect(rect);
            }
            if let Some(path) = path.finish() {
                surface.draw_path(&path);
            }
        }
        Mark::Qr { x, y, side } => {
            if let Some(modules) = qr {
                draw_qr(surface, modules, *x, top + y, *side);
            }
        }
    }
}

/// Dark modules as filled rectangles, runs in a row merged into one.
fn draw_qr(surface: &mut Surface, modules: &[Vec<bool>], x: f32, y: f32, side: f32) {
    let unit = side / modules.len().max(1) as f32;
    let mut path = PathBuilder::new();
    for (r, row) in modules.iter().enumerate() {
        let mut c = 0;
        while c < row.len() {
            if !row[c] {
                c += 1;
                continue;
            }
            let start = c;
            while c < row.len() && row[c] {
                c += 1;
            }
            if let Some(rect) =
                Rect::from_xywh(x + start as f32 * unit, y + r as f32 * unit, (c - start) as f32 * unit, unit)
            {
                path.push_rect(rect);
            }
        }
    }
    if let Some(path) = path.finish() {
        surface.draw_path(&path);
    }
}

/// A realistic Surat Keterangan Domisili with `extra_paragraphs` more body
/// paragraphs (to force a second page), for tests, the sample and the benchmark.
#[doc(hidden)]
pub fn sample_document(number: &str, name: &str, extra_paragraphs: usize, qr_text: Option<String>) -> LetterDocument {
    let mut body = vec![
        Block::Paragraph(
            "Yang bertanda tangan di bawah ini Kepala Desa Sukamaju, Kecamatan Sumbang, Kabupaten Banyumas, \
             Provinsi Jawa Tengah, menerangkan dengan sebenarnya bahwa:"
                .into(),
        ),
        Block::Fields(vec![
            ("Nama".into(), name.into()),
            ("NIK".into(), "3302051203850001".into()),
            ("Tempat/Tanggal Lahir".into(), "Banyumas, 12 Maret 1985".into()),
            ("Jenis Kelamin".into(), "Laki-laki".into()),
            ("Agama".into(), "Islam".into()),
            ("Pekerjaan".into(), "Wiraswasta".into()),
            (
                "Alamat".into(),
                "Dusun Krajan RT 002 RW 001, Desa Sukamaju, Kecamatan Sumbang, Kabupaten Banyumas".into(),
            ),
        ]),
        Block::Paragraph(
            "Orang tersebut di atas benar-benar penduduk Desa Sukamaju dan berdomisili di alamat tersebut sejak tahun \
             2010 sampai dengan sekarang. Surat keterangan ini dibuat untuk keperluan pengurusan administrasi \
             perbankan."
                .into(),
        ),
    ];
    for i in 0..extra_paragraphs {
        body.push(Block::Paragraph(format!(
            "Paragraf tambahan {}: keterangan ini diberikan berdasarkan data kependudukan yang tercatat di \
             Pemerintah Desa Sukamaju dan pernyataan yang bersangkutan, yang bertanggung jawab penuh atas \
             kebenaran keterangan yang disampaikannya kepada pemerintah desa.",
            i + 1
        )));
    }
    body.push(Block::Paragraph(
        "Demikian surat keterangan ini dibuat dengan sebenarnya untuk dapat dipergunakan sebagaimana mestinya.".into(),
    ));
    LetterDocument {
        paper: Paper::F4,
        letterhead: Letterhead {
            logo_png: None,
            lines: vec!["PEMERINTAH KABUPATEN BANYUMAS".into(), "KECAMATAN SUMBANG".into(), "DESA SUKAMAJU".into()],
            address: "Jl. Balai Desa No. 1, Sukamaju, Kode Pos 53183, Telp. 0281 000 000".into(),
        },
        title: "SURAT KETERANGAN DOMISILI".into(),
        number: number.into(),
        body,
        signer: Signer {
            place_date: "Sukamaju, 28 November 2026".into(),
            position: "Kepala Desa Sukamaju".into(),
            name: "BAMBANG SURYANTO".into(),
            nip: None,
        },
        qr: qr_text.map(|text| QrMark {
            text,
            caption: "Dokumen ini ditandatangani secara elektronik oleh Pemerintah Desa Sukamaju. Periksa keasliannya \
                      dengan memindai kode QR atau di https://balai.local/verify."
                .into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::letters::seal::{self, LetterKey, Payload, VerifyError};

    const NUMBER: &str = "474.4/012/3302052001/XI/2026";

    fn key() -> LetterKey {
        LetterKey::from_seed([9; 32])
    }

    fn payload(key: &LetterKey) -> Payload {
        Payload {
            number: NUMBER.into(),
            nik: "3302051203850001".into(),
            type_code: "SKD".into(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
            content_hash: seal::content_hash("SURAT KETERANGAN DOMISILI"),
            key_id: key.key_id(),
        }
    }

    /// A signed letter as the lead's operations would make it.
    fn signed(extra: usize) -> Vec<u8> {
        let key = key();
        let url = seal::verify_url("https://balai.local/verify", &seal::seal(&payload(&key), &key));
        let pdf = render(&sample_document(NUMBER, "Budi Santoso", extra, Some(url))).unwrap();
        seal::sign_pdf(pdf, &key).unwrap()
    }

    fn pdftotext(pdf: &[u8]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("letter.pdf");
        std::fs::write(&path, pdf).unwrap();
        let out = std::process::Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) runs");
        assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn pdfinfo(pdf: &[u8]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("letter.pdf");
        std::fs::write(&path, pdf).unwrap();
        let out = std::process::Command::new("pdfinfo").arg(&path).output().expect("pdfinfo (poppler-utils) runs");
        String::from_utf8(out.stdout).unwrap()
    }

    fn pages(pdf: &[u8]) -> usize {
        pdftotext(pdf).matches('\u{c}').count()
    }

    /// Each needle appears, in this order.
    fn assert_in_order(text: &str, needles: &[&str]) {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut from = 0;
        for needle in needles {
            match flat[from..].find(needle) {
                Some(i) => from += i + needle.len(),
                None => panic!("{needle:?} missing or out of order in:\n{flat}"),
            }
        }
    }

    #[test]
    fn rendering_is_deterministic_and_a_reprint_is_byte_identical() {
        let a = signed(0);
        let b = signed(0);
        assert!(a == b, "two renders of the same letter differ");
        assert!(a.len() < 120_000, "{} bytes", a.len());
        assert!(signed(1) != a);
    }

    #[test]
    fn the_text_reads_back_in_order() {
        let text = pdftotext(&signed(0));
        assert_in_order(
            &text,
            &[
                "PEMERINTAH KABUPATEN BANYUMAS",
                "KECAMATAN SUMBANG",
                "DESA SUKAMAJU",
                "Jl. Balai Desa No. 1",
                "SURAT KETERANGAN DOMISILI",
                &format!("Nomor: {NUMBER}"),
                "Yang bertanda tangan di bawah ini Kepala Desa Sukamaju",
                "Nama : Budi Santoso",
                "NIK : 3302051203850001",
                "Tempat/Tanggal Lahir : Banyumas, 12 Maret 1985",
                "Alamat : Dusun Krajan RT 002 RW 001",
                "benar-benar penduduk Desa Sukamaju",
                "Demikian surat keterangan ini dibuat",
                "Sukamaju, 28 November 2026",
                "Kepala Desa Sukamaju",
                "BAMBANG SURYANTO",
                "ditandatangani secara elektronik",
            ],
        );
        assert_eq!(pages(&signed(0)), 1);
    }

    #[test]
    fn a_long_body_flows_onto_a_second_page_with_the_signature_kept_with_its_last_lines() {
        let pdf = signed(14);
        let text = pdftotext(&pdf);
        let page_texts: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
        assert!(page_texts.len() >= 2, "expected 2+ pages, got {}", page_texts.len());
        assert_in_order(
            &text,
            &["Paragraf tambahan 1:", "Paragraf tambahan 14:", "Demikian surat", "BAMBANG SURYANTO"],
        );
        let last = page_texts.last().unwrap();
        assert!(last.contains("BAMBANG SURYANTO") && last.contains("Kepala Desa Sukamaju"));
        // The block does not stand alone: body text is on its page too.
        assert!(last.contains("sebagaimana mestinya"), "last page: {last}");
        // Continuation pages are numbered at the top ("- 2 -", read back as "-2").
        assert!(last.trim_start().starts_with(&format!("-{}", page_texts.len())), "last page: {last}");
    }

    #[test]
    fn every_paragraph_count_keeps_the_signature_block_whole_and_never_empties_a_page() {
        for extra in 0..24 {
            let doc = sample_document(NUMBER, "Budi", extra, Some("https://x/verify?c=v1.AAAA".into()));
            let pdf = render(&doc).unwrap();
            let text = pdftotext(&pdf);
            let page_texts: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
            let last = page_texts.last().unwrap();
            assert!(last.contains("Sukamaju, 28 November 2026") && last.contains("BAMBANG SURYANTO"), "extra {extra}");
            assert!(
                last.contains("sebagaimana mestinya"),
                "signature block alone on its page with {extra} extra: {last}"
            );
            assert_eq!(text.matches('\u{c}').count(), page_texts.len(), "an empty page with {extra} extra paragraphs");
        }
    }

    #[test]
    fn a4_letters_fields_wrap_and_a_logo_are_drawn() {
        let mut doc =
            sample_document(NUMBER, "Siti Aminah binti Haji Abdul Rahman Wahid Hasyim Kusumawardhani", 0, None);
        doc.paper = Paper::A4;
        doc.letterhead.logo_png = Some(tiny_png());
        doc.signer.nip = Some("19700101 199003 1 001".into());
        doc.body.insert(0, Block::Heading("Keterangan Umum".into()));
        let pdf = render(&doc).unwrap();
        let text = pdftotext(&pdf);
        assert_in_order(
            &text,
            &["Keterangan Umum", "Siti Aminah binti", "Kusumawardhani", "NIP. 19700101 199003 1 001"],
        );
        assert!(pdfinfo(&pdf).contains("Page size:       595.276 x 841.89 pts"), "A4");
        assert!(String::from_utf8_lossy(&pdf).contains("/Subtype/Image"), "logo image");
        assert!(render(&sample_document(NUMBER, "Budi", 0, None)).unwrap() != pdf);
    }

    #[test]
    fn fonts_are_embedded_subsets() {
        let pdf = signed(0);
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("+LiberationSans-Bold") && text.contains("+LiberationSans"), "subset font names");
        assert!(text.contains("/FontFile2"), "TrueType font embedded");
        assert!(pdfinfo(&pdf).contains("Page size:       609.449 x 935.433 pts"), "F4 (215 x 330 mm)");
    }

    #[test]
    fn bad_logo_and_bad_qr_text_are_refused() {
        let mut doc = sample_document(NUMBER, "Budi", 0, None);
        doc.letterhead.logo_png = Some(b"not a png".to_vec());
        assert!(matches!(render(&doc), Err(PdfError::Logo(_))));
        for text in ["https://x/verify?s=(v1)", "has space", "", "back\\slash", "ünicode"] {
            let doc = sample_document(NUMBER, "Budi", 0, Some(text.into()));
            assert_eq!(render(&doc).err(), Some(PdfError::QrText), "{text:?}");
        }
        let doc = sample_document(NUMBER, "Budi", 0, Some("x".repeat(5000)));
        assert!(matches!(render(&doc), Err(PdfError::QrTooLong(_))));
    }

    #[test]
    fn a_signed_letter_verifies_and_carries_its_payload() {
        let pdf = signed(0);
        assert_eq!(seal::verify_pdf(&pdf, &key().public()), Ok(payload(&key())));
        let other = LetterKey::from_seed([10; 32]);
        assert!(matches!(seal::verify_pdf(&pdf, &other.public()), Err(VerifyError::WrongKey { .. })));
        assert_eq!(seal::sign_pdf(pdf, &key()).err(), Some(seal::SealError::AlreadySigned));
    }

    #[test]
    fn one_changed_byte_anywhere_is_detected() {
        let pdf = signed(0);
        let public = key().public();
        for i in 0..pdf.len() {
            let mut altered = pdf.clone();
            altered[i] ^= 0x01;
            assert!(
                seal::verify_pdf(&altered, &public).is_err(),
                "byte {i} of {} changed and still verified",
                pdf.len()
            );
        }
        // A visible edit: the name in the slot-free metadata title.
        let text = String::from_utf8_lossy(&pdf).replace("DOMISILI 474", "DOMISILI 475");
        assert_eq!(seal::verify_pdf(text.as_bytes(), &public), Err(VerifyError::Altered));
    }

    #[test]
    fn truncated_unsigned_and_foreign_files_are_named() {
        let pdf = signed(0);
        let public = key().public();
        for cut in [pdf.len() - 3, pdf.len() / 2, 100, 10] {
            assert_eq!(seal::verify_pdf(&pdf[..cut], &public), Err(VerifyError::Truncated), "cut at {cut}");
        }
        let mut padded = pdf.clone();
        padded.extend_from_slice(b"\n% appended\n%%EOF\n");
        assert_eq!(seal::verify_pdf(&padded, &public), Err(VerifyError::Altered));
        let unsigned = render(&sample_document(NUMBER, "Budi", 0, None)).unwrap();
        assert_eq!(seal::verify_pdf(&unsigned, &public), Err(VerifyError::NotSigned));
        let no_qr = seal::sign_pdf(unsigned, &key()).unwrap();
        assert_eq!(seal::verify_pdf(&no_qr, &public), Err(VerifyError::NoPayload));
        assert_eq!(seal::verify_pdf(b"hello", &public), Err(VerifyError::NotPdf));
        assert_eq!(seal::sign_pdf(b"%PDF-1.7\n%%EOF".to_vec(), &key()).err(), Some(seal::SealError::NoSlot));
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(24))]
        #[test]
        fn any_text_renders_without_panic(
            title in ".{0,80}",
            words in proptest::collection::vec(".{0,40}", 0..6),
            label in ".{0,30}",
            value in ".{0,120}",
        ) {
            let mut doc = sample_document(&title, &value, 0, None);
            doc.title = title.clone();
            doc.body = vec![
                Block::Heading(words.join(" ")),
                Block::Paragraph(words.join("\n")),
                Block::Fields(vec![(label.clone(), value.clone()), (String::new(), value.clone()), (label, String::new())]),
            ];
            doc.signer.name = title;
            doc.letterhead.lines = words;
            let pdf = render(&doc).unwrap();
            proptest::prop_assert!(pdf.starts_with(b"%PDF-"));
        }
    }

    /// A 2×2 PNG made here (no image crate): the smallest valid file krilla decodes.
    fn tiny_png() -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let start = out.len();
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            let crc = crc32(&out[start..]);
            out.extend_from_slice(&crc.to_be_bytes());
        }
        fn crc32(bytes: &[u8]) -> u32 {
            let mut crc = 0xffff_ffffu32;
            for &b in bytes {
                crc ^= u32::from(b);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
                }
            }
            !crc
        }
        // Stored (uncompressed) deflate block in a zlib stream: 2 rows of filter byte + 2 grey pixels.
        let raw = [0u8, 0x00, 0xff, 0, 0xff, 0x00];
        let mut zlib = vec![0x78, 0x01, 0x01, raw.len() as u8, 0, !(raw.len() as u8), 0xff];
        zlib.extend_from_slice(&raw);
        let adler = {
            let (mut a, mut b) = (1u32, 0u32);
            for &x in &raw {
                a = (a + u32::from(x)) % 65521;
                b = (b + a) % 65521;
            }
            (b << 16) | a
        };
        zlib.extend_from_slice(&adler.to_be_bytes());
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&2u32.to_be_bytes());
        ihdr.extend_from_slice(&2u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        chunk(&mut png, b"IHDR", &ihdr);
        chunk(&mut png, b"IDAT", &zlib);
        chunk(&mut png, b"IEND", &[]);
        png
    }
}
