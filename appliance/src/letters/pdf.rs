//! Interface of the letter PDF; the real renderer lands from the `pdf` branch.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paper {
    F4,
    A4,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Letterhead {
    pub logo_png: Option<Vec<u8>>,
    pub lines: Vec<String>,
    pub address: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Paragraph(String),
    Fields(Vec<(String, String)>),
    Heading(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Signer {
    pub place_date: String,
    pub position: String,
    pub name: String,
    pub nip: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QrMark {
    pub text: String,
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

#[derive(Debug, thiserror::Error)]
#[error("pdf: {0}")]
pub struct PdfError(pub String);

pub fn render(_doc: &LetterDocument) -> Result<Vec<u8>, PdfError> {
    Err(PdfError("renderer not merged yet".into()))
}
