//! A blueprint's budget: its components priced, as CSV or as an XLSX workbook.

use serde_json::Value;

/// How a budget is priced: the currency, the period each cost covers, and whether reserved-instance discounts
/// apply (`effective`) or list prices (`stated`).
#[derive(Debug, Clone)]
pub struct Pricing<'q> {
    pub currency: &'q str,
    pub period: &'q str,
    pub rate: &'q str,
}

/// The columns, as Cloudcraft's budget export starts them.
const HEADER: [&str; 8] = [
    "category",
    "type",
    "region",
    "count",
    "unitPrice",
    "cost",
    "instanceType",
    "instanceSize",
];

/// One line of the budget: a kind of component in one region, with its size.
struct Line {
    category: &'static str,
    kind: String,
    region: String,
    instance_type: String,
    instance_size: String,
    count: u32,
    unit_price: f64,
}

/// US dollars a month for one component of `kind` (the sandbox's own price list).
fn monthly_usd(kind: &str) -> (&'static str, f64) {
    match kind {
        "ec2" => ("Compute", 70.08),
        "rds" => ("Database", 124.10),
        "lambda" => ("Compute", 3.20),
        "s3" => ("Storage", 23.00),
        "elb" | "alb" => ("Networking", 16.43),
        _ => ("Other", 1.00),
    }
}

/// How many of `currency` one US dollar buys (fixed rates, for a deterministic sandbox).
fn per_usd(currency: &str) -> f64 {
    match currency {
        "AUD" => 1.52,
        "CHF" => 0.88,
        "CKK" => 6.87,
        "EUR" => 0.92,
        "GBP" => 0.79,
        "HKD" => 7.81,
        "JPY" => 151.0,
        "NOK" => 10.9,
        "NZD" => 1.66,
        "SEK" => 10.6,
        "ZAR" => 18.4,
        _ => 1.0,
    }
}

/// How many of `period` a month holds.
fn per_month(period: &str) -> f64 {
    match period {
        "h" => 730.0,
        "d" => 30.4,
        "w" => 4.35,
        "y" => 1.0 / 12.0,
        _ => 1.0,
    }
}

fn text(node: &Value, field: &str) -> String {
    node[field].as_str().unwrap_or_default().to_string()
}

/// The blueprint's nodes grouped into priced lines, in a stable order.
fn lines(blueprint: &Value, pricing: &Pricing<'_>) -> Vec<Line> {
    let discount = if pricing.rate == "stated" { 1.0 } else { 0.85 };
    let factor = per_usd(pricing.currency) / per_month(pricing.period) * discount;
    let mut lines: Vec<Line> = Vec::new();
    for node in blueprint["data"]["nodes"].as_array().into_iter().flatten() {
        let kind = text(node, "type");
        let (region, instance_type, instance_size) = (
            text(node, "region"),
            text(node, "instanceType"),
            text(node, "instanceSize"),
        );
        let same = |l: &&mut Line| {
            l.kind == kind
                && l.region == region
                && l.instance_type == instance_type
                && l.instance_size == instance_size
        };
        match lines.iter_mut().find(same) {
            Some(line) => line.count += 1,
            None => {
                let (category, usd) = monthly_usd(&kind);
                lines.push(Line {
                    category,
                    kind,
                    region,
                    instance_type,
                    instance_size,
                    count: 1,
                    unit_price: usd * factor,
                });
            }
        }
    }
    lines
}

impl Line {
    fn cells(&self) -> [String; 8] {
        [
            self.category.to_string(),
            self.kind.clone(),
            self.region.clone(),
            self.count.to_string(),
            format!("{:.2}", self.unit_price),
            format!("{:.2}", self.unit_price * f64::from(self.count)),
            self.instance_type.clone(),
            self.instance_size.clone(),
        ]
    }
}

/// The budget as CSV (RFC 4180 quoting).
pub fn csv(blueprint: &Value, pricing: &Pricing<'_>) -> String {
    let quote = |cell: &str| {
        if cell.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", cell.replace('"', "\"\""))
        } else {
            cell.to_string()
        }
    };
    let mut out = HEADER.join(",") + "\r\n";
    for line in lines(blueprint, pricing) {
        let cells: Vec<String> = line.cells().iter().map(|c| quote(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The budget as an XLSX workbook of one sheet (an Office Open XML package, stored uncompressed).
pub fn xlsx(blueprint: &Value, pricing: &Pricing<'_>) -> Vec<u8> {
    let header = HEADER.map(str::to_string);
    let rows: Vec<[String; 8]> = std::iter::once(header)
        .chain(lines(blueprint, pricing).iter().map(Line::cells))
        .collect();
    let mut sheet = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet \
         xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{}", char::from(b'A' + c as u8), r + 1);
            // Counts and prices are numbers; everything else (and the header) is text.
            if r > 0 && (3..=5).contains(&c) {
                sheet.push_str(&format!("<c r=\"{at}\"><v>{cell}</v></c>"));
            } else {
                sheet.push_str(&format!(
                    "<c r=\"{at}\" t=\"inlineStr\"><is><t>{}</t></is></c>",
                    escape(cell)
                ));
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let parts: [(&str, String); 5] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("xl/workbook.xml", WORKBOOK.to_string()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.to_string()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    zip_stored(&parts)
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types \
xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" \
ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" \
ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" \
ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override \
PartName=\"/xl/worksheets/sheet1.xml\" \
ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>";

const ROOT_RELS: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships \
xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" \
Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" \
Target=\"xl/workbook.xml\"/></Relationships>";

const WORKBOOK: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook \
xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Budget\" \
sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";

const WORKBOOK_RELS: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships \
xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" \
Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" \
Target=\"worksheets/sheet1.xml\"/></Relationships>";

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A ZIP archive of `files`, each stored (method 0), as the ZIP application note describes.
fn zip_stored(files: &[(&str, String)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for (name, content) in files {
        let (name, data) = (name.as_bytes(), content.as_bytes());
        let crc = crc32fast::hash(data);
        let offset = out.len() as u32;
        // version needed 2.0, no flags, stored, no time (1980-01-01), crc, sizes, name length, no extra field
        let common = |out: &mut Vec<u8>| {
            out.extend_from_slice(&20u16.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(&0x21u16.to_le_bytes());
            out.extend_from_slice(&crc.to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        common(&mut out);
        out.extend_from_slice(name);
        out.extend_from_slice(data);
        directory.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        directory.extend_from_slice(&20u16.to_le_bytes()); // made by
        common(&mut directory);
        // no comment, disk 0, no internal or external attributes, then where the entry starts
        directory.extend_from_slice(&[0; 8]);
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(name);
    }
    let start = out.len() as u32;
    out.extend_from_slice(&directory);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // this disk, the directory's disk
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(directory.len() as u32).to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn blueprint() -> Value {
        json!({"data": {"nodes": [
            {"type": "ec2", "region": "us-east-1", "instanceType": "t3", "instanceSize": "micro"},
            {"type": "ec2", "region": "us-east-1", "instanceType": "t3", "instanceSize": "micro"},
            {"type": "s3", "region": "us-east-1"}
        ]}})
    }

    const MONTHLY_USD: Pricing<'static> = Pricing {
        currency: "USD",
        period: "m",
        rate: "stated",
    };

    #[test]
    fn csv_groups_components_and_prices_them() {
        let csv = csv(&blueprint(), &MONTHLY_USD);
        let rows: Vec<&str> = csv.lines().collect();
        assert_eq!(
            rows[0],
            "category,type,region,count,unitPrice,cost,instanceType,instanceSize"
        );
        assert_eq!(rows[1], "Compute,ec2,us-east-1,2,70.08,140.16,t3,micro");
        assert_eq!(rows[2], "Storage,s3,us-east-1,1,23.00,23.00,,");
        assert_eq!(rows.len(), 3);
        let yearly_eur = csv_cost(&Pricing {
            currency: "EUR",
            period: "y",
            ..MONTHLY_USD
        });
        assert!(
            (yearly_eur - 70.08 * 0.92 * 12.0).abs() < 0.01,
            "{yearly_eur}"
        );
    }

    fn csv_cost(pricing: &Pricing<'_>) -> f64 {
        let csv = csv(&blueprint(), pricing);
        csv.lines()
            .nth(1)
            .unwrap()
            .split(',')
            .nth(4)
            .unwrap()
            .parse()
            .unwrap()
    }

    #[test]
    fn xlsx_is_a_zip_of_the_workbook_parts_with_valid_checksums() {
        let bytes = xlsx(&blueprint(), &MONTHLY_USD);
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        // Walk the local headers: every part is there, stored, and its CRC-32 matches its bytes.
        let (mut at, mut names) = (0, Vec::new());
        while bytes[at..].starts_with(b"PK\x03\x04") {
            let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]) as usize;
            let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap());
            assert_eq!(u16_at(at + 8), 0, "stored");
            let (size, name_len) = (u32_at(at + 18) as usize, u16_at(at + 26));
            let name = std::str::from_utf8(&bytes[at + 30..at + 30 + name_len]).unwrap();
            let data = &bytes[at + 30 + name_len..at + 30 + name_len + size];
            assert_eq!(crc32fast::hash(data), u32_at(at + 14), "{name}");
            if name.ends_with("sheet1.xml") {
                let sheet = std::str::from_utf8(data).unwrap();
                assert!(
                    sheet.contains("<t>ec2</t>") && sheet.contains("<v>140.16</v>"),
                    "{sheet}"
                );
            }
            names.push(name.to_string());
            at += 30 + name_len + size;
        }
        assert_eq!(names.len(), 5, "{names:?}");
        assert!(names.contains(&"[Content_Types].xml".to_string()));
        let end = bytes.len() - 22;
        assert_eq!(&bytes[end..end + 4], b"PK\x05\x06");
    }
}
