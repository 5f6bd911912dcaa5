//! Snapshot documents: a blueprint and its renderings as SVG, PNG, PDF and mxGraph XML.

use serde_json::{json, Value};

/// What a snapshot shows and how.
#[derive(Debug, Clone)]
pub struct Scene {
    pub title: String,
    pub nodes: Vec<(String, String)>,
    pub width: u32,
    pub height: u32,
    pub dark: bool,
    pub grid: bool,
}

impl Scene {
    fn background(&self) -> [u8; 3] {
        if self.dark {
            [0x1e, 0x1f, 0x2b]
        } else {
            [0xff, 0xff, 0xff]
        }
    }

    /// Where node `i` is drawn: a row of boxes.
    fn node_box(&self, i: usize) -> (u32, u32, u32, u32) {
        let n = self.nodes.len().max(1) as u32;
        let slot = self.width / (n + 1);
        let w = (slot * 2 / 3).max(4);
        let h = (self.height / 4).max(4);
        let x = slot * (i as u32 + 1) - w / 2;
        let y = self.height / 2 - h / 2;
        (x, y, w, h)
    }
}

/// The blueprint (`format=json`).
pub fn blueprint(scene: &Scene) -> Value {
    let nodes: Vec<Value> = scene
        .nodes
        .iter()
        .enumerate()
        .map(|(i, (kind, id))| {
            let (x, y, _, _) = scene.node_box(i);
            json!({"id": id, "type": kind, "mapPos": [x, y]})
        })
        .collect();
    json!({
        "version": 4,
        "name": scene.title,
        "grid": if scene.grid { "standard" } else { "none" },
        "theme": {"base": if scene.dark { "dark" } else { "light" }},
        "width": scene.width,
        "height": scene.height,
        "nodes": nodes,
        "edges": [],
        "text": [{"id": "title", "text": scene.title}]
    })
}

/// An SVG drawing.
pub fn svg(scene: &Scene) -> String {
    let [r, g, b] = scene.background();
    let fg = if scene.dark { "#e0e0e0" } else { "#1a1a1a" };
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\">\n<rect width=\"{w}\" height=\"{h}\" fill=\"#{r:02x}{g:02x}{b:02x}\"/>\n",
        w = scene.width,
        h = scene.height
    );
    for (i, (kind, id)) in scene.nodes.iter().enumerate() {
        let (x, y, w, h) = scene.node_box(i);
        out.push_str(&format!(
            "<g><rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"{}\" stroke=\"{fg}\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"{fg}\" font-size=\"12\" text-anchor=\"middle\">{} {}</text></g>\n",
            color(kind),
            x + w / 2,
            y + h + 16,
            escape(kind),
            escape(id)
        ));
    }
    out.push_str(&format!(
        "<text x=\"10\" y=\"20\" fill=\"{fg}\" font-size=\"14\">{}</text>\n</svg>\n",
        escape(&scene.title)
    ));
    out
}

/// A PNG picture.
pub fn png(scene: &Scene) -> Vec<u8> {
    let (w, h) = (scene.width as usize, scene.height as usize);
    let mut pixels = vec![0u8; w * h * 3];
    for chunk in pixels.chunks_mut(3) {
        chunk.copy_from_slice(&scene.background());
    }
    for (i, (kind, _)) in scene.nodes.iter().enumerate() {
        let (x, y, bw, bh) = scene.node_box(i);
        let rgb = rgb(kind);
        for py in y as usize..(y + bh) as usize {
            for px in x as usize..(x + bw) as usize {
                if px < w && py < h {
                    let at = (py * w + px) * 3;
                    pixels[at..at + 3].copy_from_slice(&rgb);
                }
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, scene.width, scene.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("PNG header");
        writer.write_image_data(&pixels).expect("PNG data");
    }
    out
}

/// A one-page PDF listing the snapshot's components.
pub fn pdf(scene: &Scene) -> Vec<u8> {
    let mut lines = vec![scene.title.clone()];
    lines.extend(scene.nodes.iter().map(|(kind, id)| format!("{kind}: {id}")));
    let mut text = String::from("BT /F1 12 Tf 50 780 Td 16 TL\n");
    for line in &lines {
        text.push_str(&format!(
            "({}) Tj T*\n",
            line.replace('\\', "\\\\")
                .replace('(', "\\(")
                .replace(')', "\\)")
        ));
    }
    text.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!("<< /Length {} >>\nstream\n{text}endstream", text.len()),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// The diagram as draw.io's mxGraph XML.
pub fn mxgraph(scene: &Scene) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mxGraphModel><root><mxCell id=\"0\"/><mxCell id=\"1\" parent=\"0\"/>\n");
    for (i, (kind, id)) in scene.nodes.iter().enumerate() {
        let (x, y, w, h) = scene.node_box(i);
        out.push_str(&format!(
            "<mxCell id=\"n{i}\" value=\"{} {}\" style=\"rounded=1;fillColor={};\" vertex=\"1\" parent=\"1\">\
             <mxGeometry x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" as=\"geometry\"/></mxCell>\n",
            escape(kind),
            escape(id),
            color(kind)
        ));
    }
    out.push_str("</root></mxGraphModel>\n");
    out
}

fn rgb(kind: &str) -> [u8; 3] {
    match kind {
        "ec2" => [0xf5, 0x8b, 0x1f],
        "rds" => [0x33, 0x6e, 0xd6],
        "s3" => [0x3c, 0x9c, 0x3a],
        "lambda" => [0xd9, 0x4f, 0x1a],
        _ => [0x88, 0x88, 0x88],
    }
}

fn color(kind: &str) -> String {
    let [r, g, b] = rgb(kind);
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
