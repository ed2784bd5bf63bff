package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/paspor/paspor/export/telegram"
	"github.com/paspor/paspor/wallet/schema"
)

type telegramOpenOptions struct {
	identity string
	files    string
	nonce    string
	output   string
}

func (o *telegramOpenOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVarP(&o.identity, "identity", "i", "", "the bot's RSA private key (PEM)")
	f.StringVar(&o.files, "files", "", "folder of the encrypted files, named by file_unique_id or file_id (as getFile delivered them)")
	f.StringVar(&o.nonce, "nonce", "", "require this nonce (the one the bot put in its request)")
	f.StringVarP(&o.output, "output", "o", "", "write passport.json and the decrypted files into this new folder")
}

func newTelegramOpenCommand(g *globals) *cobra.Command {
	var opts telegramOpenOptions
	cmd := &cobra.Command{
		Use:   "open PASSPORT_DATA.json|- -i BOT.pem [--files DIR] [--nonce N] [-o OUT]",
		Short: "Decrypt and check the passport_data a bot received",
		Long: `Decrypt passport_data (the object of a Bot API message) with the bot's private key:
the credentials, every element, and every file found in --files by its file_unique_id
or file_id, checking every hash before any padding, and the nonce when --nonce is given.
Files not in --files are listed as not downloaded. PASSPORT_DATA.json "-" reads
standard input. Files are decrypted one at a time, one buffer at a time.

With -o, OUT/passport.json (every element, its fields and files) and OUT/files/ (the
decrypted scans) appear only after every check passed; OUT must not exist.

Rejected data gets a stable reason: malformed, key, hash, padding, secret, credentials,
nonce, too_large (exit code 9); with --json, stdout then holds {"verified": false,
"reason": ..., "element": ..., "detail": ...}. Needs no wallet.`,
		Example: `  paspor telegram open passport_data.json -i bot.pem --nonce 8f2c --files downloads/ -o received/
  paspor telegram open passport_data.json -i bot.pem --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runTelegramOpen(cmd.Context(), g, args[0], opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// telegramOpened is what telegram open prints with --json and writes as passport.json.
type telegramOpened struct {
	Verified bool              `json:"verified"`
	Nonce    string            `json:"nonce"`
	Elements []telegramElement `json:"elements"`
	Dir      string            `json:"dir,omitempty"`
}

type telegramElement struct {
	Type     string            `json:"type"`
	Fields   map[string]string `json:"fields"`
	Files    []telegramFile    `json:"files"`
	Hash     string            `json:"hash"`
	DataHash string            `json:"data_hash,omitempty"`
}

type telegramFile struct {
	Role         string `json:"role"`
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id,omitempty"`
	FileHash     string `json:"file_hash"`
	Downloaded   bool   `json:"downloaded"`
	Path         string `json:"path,omitempty"`
	MediaType    string `json:"media_type,omitempty"`
	Size         int    `json:"size,omitempty"`
	SHA256       string `json:"sha256,omitempty"`
}

func runTelegramOpen(ctx context.Context, g *globals, path string, opts telegramOpenOptions) error {
	key, err := readBotKey(opts.identity)
	if err != nil {
		return err
	}
	if opts.output != "" {
		if _, err := os.Lstat(opts.output); err == nil {
			return errorWithHint(exitExists, fmt.Sprintf("%s already exists", opts.output), "choose another -o folder or remove it first")
		}
		if err := sweepStages(opts.output); err != nil {
			return err
		}
	}
	data, err := readPassportData(ctx, g, path)
	if err != nil {
		return err
	}
	p, err := telegram.Open(data, key, telegram.OpenOptions{Nonce: opts.nonce})
	if err != nil {
		return telegramRejected(g, err)
	}
	paths, err := findDownloads(p, opts.files)
	if err != nil {
		return err
	}
	var res telegramOpened
	if opts.output == "" {
		infos := map[*telegram.File]*decryptedInfo{}
		for i := range p.Elements {
			for j := range p.Elements[i].Files {
				f := &p.Elements[i].Files[j]
				fp, ok := paths[f]
				if !ok {
					continue
				}
				info, err := decryptDownload(ctx, f, fp, io.Discard)
				if err != nil {
					return telegramRejected(g, err)
				}
				infos[f] = info
			}
		}
		res = openedView(p, infos)
	} else {
		if err := writeOpened(ctx, opts.output, &res, p, paths); err != nil {
			return telegramRejected(g, err)
		}
		res.Dir = opts.output
	}
	if g.json {
		return printJSON(g.stdout, res)
	}
	printOpened(g, path, opts.nonce != "", res)
	return nil
}

// telegramRejected prints, with --json, the reason of a rejection as
// {"verified": false, "reason", "element", "detail"} (as paspor open does for bundles), and
// returns err for the exit code and the message on stderr.
func telegramRejected(g *globals, err error) error {
	var rej *telegram.RejectedError
	if g.json && errors.As(err, &rej) {
		printJSON(g.stdout, map[string]any{"verified": false, "reason": rej.Reason, "element": rej.Element, "detail": rej.Detail})
	}
	return err
}

func openedView(p *telegram.Passport, infos map[*telegram.File]*decryptedInfo) telegramOpened {
	res := telegramOpened{Verified: true, Nonce: p.Nonce, Elements: []telegramElement{}}
	for i := range p.Elements {
		el := &p.Elements[i]
		te := telegramElement{Type: el.Type, Fields: el.Fields, Files: []telegramFile{}, Hash: el.Hash, DataHash: el.DataHash}
		if te.Fields == nil {
			te.Fields = map[string]string{}
		}
		for j := range el.Files {
			f := &el.Files[j]
			tf := telegramFile{Role: f.Role, FileID: f.FileID, FileUniqueID: f.FileUniqueID, FileHash: f.FileHash}
			if info, ok := infos[f]; ok {
				tf.Downloaded, tf.Size, tf.SHA256 = true, int(info.size), info.sha256
				tf.MediaType = sniffOr(info.head)
			}
			te.Files = append(te.Files, tf)
		}
		res.Elements = append(res.Elements, te)
	}
	return res
}

func sniffOr(b []byte) string {
	if mt, err := schema.SniffMediaType(b[:min(len(b), 512)]); err == nil {
		return mt
	}
	return "application/octet-stream"
}

var mediaExt = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}

// writeOpened decrypts the files at paths, one at a time and straight into a locked staging
// folder, then writes passport.json there (as res) and moves the folder to out.
func writeOpened(ctx context.Context, out string, res *telegramOpened, p *telegram.Passport, paths map[*telegram.File]string) error {
	return stageDir(ctx, out, func(stage string) error {
		infos := map[*telegram.File]*decryptedInfo{}
		tmp := map[*telegram.File]string{}
		n := 0
		for i := range p.Elements {
			for j := range p.Elements[i].Files {
				f := &p.Elements[i].Files[j]
				fp, ok := paths[f]
				if !ok {
					continue
				}
				n++
				part := filepath.Join(stage, fmt.Sprintf("part-%d", n))
				info, err := decryptToFile(ctx, f, fp, part)
				if err != nil {
					return err
				}
				infos[f], tmp[f] = info, part
			}
		}
		*res = openedView(p, infos)
		for i := range p.Elements {
			for j := range p.Elements[i].Files {
				part, ok := tmp[&p.Elements[i].Files[j]]
				if !ok {
					continue
				}
				tf := &res.Elements[i].Files[j]
				ext := mediaExt[tf.MediaType]
				if ext == "" {
					ext = ".bin"
				}
				rel := filepath.Join("files", res.Elements[i].Type, strings.ReplaceAll(tf.Role, "/", "-")+ext)
				if err := os.MkdirAll(filepath.Join(stage, filepath.Dir(rel)), 0o700); err != nil {
					return fmt.Errorf("failed to create a folder for %s: %w", rel, err)
				}
				if err := os.Rename(part, filepath.Join(stage, rel)); err != nil {
					return fmt.Errorf("failed to write %s: %w", rel, err)
				}
				tf.Path = filepath.ToSlash(rel)
			}
		}
		return writeFileAtomicFunc(filepath.Join(stage, "passport.json"), func(w io.Writer) error { return printJSON(w, res) })
	})
}

// decryptToFile decrypts the ciphertext at src into a new file dst (0600), synced.
func decryptToFile(ctx context.Context, f *telegram.File, src, dst string) (*decryptedInfo, error) {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("failed to create a file in the staging folder: %w", err)
	}
	info, err := decryptDownload(ctx, f, src, out)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("failed to write a decrypted file: %w", cerr)
	}
	if err != nil {
		os.Remove(dst)
		return nil, err
	}
	return info, nil
}

func printOpened(g *globals, path string, nonceChecked bool, res telegramOpened) {
	check := "not checked: pass --nonce"
	if nonceChecked {
		check = "checked"
	}
	fmt.Fprintf(g.stdout, "%s: decrypted %d element(s)\n", printable(path), len(res.Elements))
	fmt.Fprintf(g.stdout, "  nonce:    %s (%s)\n", printable(res.Nonce), check)
	for _, el := range res.Elements {
		fmt.Fprintf(g.stdout, "  %s\n", el.Type)
		names := make([]string, 0, len(el.Fields))
		for k := range el.Fields {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			fmt.Fprintf(g.stdout, "    %-24s %s\n", printable(k), printable(el.Fields[k]))
		}
		for _, f := range el.Files {
			if !f.Downloaded {
				fmt.Fprintf(g.stdout, "    [%s] not downloaded (%s)\n", f.Role, f.FileID)
				continue
			}
			fmt.Fprintf(g.stdout, "    [%s] %s, %d bytes, sha256 %s\n", f.Role, f.MediaType, f.Size, f.SHA256)
		}
	}
	if res.Dir != "" {
		fmt.Fprintf(g.stdout, "  saved in: %s\n", res.Dir)
	}
}
