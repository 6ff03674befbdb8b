//! Text extraction from images with the `tesseract` command, one image at a time in the
//! background. Exhibits wait as `pending`; a restart picks them up again. Where tesseract is
//! missing, images are marked `unavailable` and nothing fails.

use crate::blobs::BlobStore;
use crate::storage::DynStore;
use probity_app::evidence::OcrStatus;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Longest time one image may take.
const TIMEOUT: Duration = Duration::from_secs(300);
/// Most text kept per image.
const MAX_TEXT: usize = 1024 * 1024;

/// Hands exhibits to the background worker.
#[derive(Clone)]
pub struct OcrQueue {
    sender: Option<mpsc::UnboundedSender<(i64, String)>>,
}

impl OcrQueue {
    /// True when tesseract is installed and the worker runs.
    pub fn available(&self) -> bool {
        self.sender.is_some()
    }

    /// The status a new image starts with.
    pub fn initial_status(&self, media_type: &str) -> OcrStatus {
        if !super::previews::is_thumbnailable(media_type) && media_type != "image/tiff" {
            OcrStatus::NotApplicable
        } else if self.available() {
            OcrStatus::Pending
        } else {
            OcrStatus::Unavailable
        }
    }

    /// Queues an exhibit's blob for extraction.
    pub fn enqueue(&self, exhibit_id: i64, sha256: String) {
        if let Some(sender) = &self.sender {
            let _ = sender.send((exhibit_id, sha256));
        }
    }

    /// Starts the worker when tesseract answers, and queues what was pending before a restart.
    pub async fn start(store: DynStore, blobs: Arc<dyn BlobStore>) -> OcrQueue {
        let installed = tokio::process::Command::new("tesseract")
            .arg("--version")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .await
            .is_ok_and(|status| status.success());
        if !installed {
            tracing::warn!("tesseract is not installed: images will not have their text extracted");
            return OcrQueue { sender: None };
        }
        let (sender, mut receiver) = mpsc::unbounded_channel::<(i64, String)>();
        let queue = OcrQueue {
            sender: Some(sender),
        };
        match store.pending_ocr().await {
            Ok(pending) => {
                for (exhibit_id, sha256) in pending {
                    queue.enqueue(exhibit_id, sha256);
                }
            }
            Err(error) => tracing::error!(%error, "cannot list exhibits waiting for OCR"),
        }
        tokio::spawn(async move {
            while let Some((exhibit_id, sha256)) = receiver.recv().await {
                let (status, text) = match extract(&*blobs, &sha256).await {
                    Ok(text) => (OcrStatus::Done, Some(text)),
                    Err(error) => {
                        tracing::warn!(exhibit_id, %error, "text extraction failed");
                        (OcrStatus::Failed, None)
                    }
                };
                if let Err(error) = store.set_ocr(exhibit_id, status, text.as_deref()).await {
                    tracing::error!(exhibit_id, %error, "cannot record text extraction");
                }
            }
        });
        queue
    }
}

async fn extract(blobs: &dyn BlobStore, sha256: &str) -> Result<String, String> {
    let path = blobs
        .local_path(sha256)
        .await
        .map_err(|error| error.to_string())?;
    let output = tokio::process::Command::new("tesseract")
        .arg(&path)
        .arg("stdout")
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(TIMEOUT, output)
        .await
        .map_err(|_| "timed out".to_string())?
        .map_err(|error| error.to_string())?;
    if !output.status.success() {
        return Err(format!("tesseract exited with {}", output.status));
    }
    let mut text = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if text.len() > MAX_TEXT {
        let mut cut = MAX_TEXT;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    Ok(text)
}
