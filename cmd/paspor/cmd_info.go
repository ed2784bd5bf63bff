package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/wallet"
)

func newInfoCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "info",
		Short: "Show the wallet's ID, file, second factor, KDF and document count",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runInfo(cmd.Context(), g) },
	}
}

// infoView is wallet.Info plus, for a key-file wallet, the key file this run used (the
// wallet does not record where the key file is: it may move, and a copy of the wallet file
// should not point at it).
type infoView struct {
	wallet.Info
	FactorFile string `json:"factor_file,omitempty"`
	// FactorRotatedAt is when the device secret was last replaced; absent if never.
	FactorRotatedAt *time.Time `json:"factor_rotated_at,omitempty"`
}

func runInfo(ctx context.Context, g *globals) error {
	w, err := g.unlock(ctx, true)
	if err != nil {
		return err
	}
	defer w.Close()
	info, err := w.Info()
	if err != nil {
		return err
	}
	v := infoView{Info: info}
	rotatedText := "never"
	if at, err := w.FactorRotatedAt(); err != nil {
		return err
	} else if !at.IsZero() {
		v.FactorRotatedAt = &at
		rotatedText = at.Format("2006-01-02 15:04:05 UTC")
	}
	factorText := info.Factor
	if info.Factor == wallet.FactorFile {
		if v.FactorFile, err = filepath.Abs(g.factorFilePath()); err != nil {
			return fmt.Errorf("failed to resolve the key file path: %w", err)
		}
		factorText = "key file " + v.FactorFile
	} else if fs, err := g.factorStore(info.Factor); err == nil {
		factorText = fs.Describe()
	}
	if g.json {
		return printJSON(g.stdout, v)
	}
	fmt.Fprintf(g.stdout, "wallet:        %s\nfile:          %s\ncreated:       %s\ndocuments:     %d\nsecond factor: %s\nlast rotated:  %s\nkdf:           argon2id, %d MiB, %d iterations, %d lanes\n",
		info.WalletID, info.Path, info.CreatedAt.Format("2006-01-02 15:04:05 UTC"), info.Documents,
		printable(factorText), rotatedText, info.KDF.MemoryKiB/1024, info.KDF.Iterations, info.KDF.Parallelism)
	return nil
}
