package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"efile/models"
	"efile/services"
	"efile/services/civil"
	"efile/services/datakey"
	flagrules "efile/services/flag"
	"efile/services/idnumber"
	"efile/services/record"
	"efile/services/sanction"

	"github.com/schollz/progressbar/v3"
	"gorm.io/gorm"
)

// seed fills a database with synthetic data at city scale, for load tests
// and measurements (docs/performance.md). It is the one offline command that
// creates and migrates a database (as serve does): seeding an empty one is
// its purpose. It refuses a database that already holds cadres unless
// --force, so that real data is never mixed with invented people by mistake.
//
// The data is deterministic for a given --seed: the same names, ID numbers,
// dates and texts, in the same id order (on a database that was empty). It
// is coherent as the application would have left it: the first
// administrator (as serve creates it), and annual cycles whose results are
// what closing and finalizing them computes from their seeded appraisals
// (seed_appraisal.go).
func seedCmd(ctx context.Context, out io.Writer, args []string) (err error) {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	cadres := fs.Int("cadres", 1000, "cadres to create (one unit per 20)")
	perCadre := fs.Int("records-per-cadre", 10, "performance records per cadre")
	flags := fs.Int("flags", -1, "flags to create (default: one per 50 cadres)")
	cycles := fs.Int("cycles", 3, "finalized annual cycles, each with appraisals of every cadre and their results")
	seedN := fs.Uint64("seed", 1, "random seed: the same seed gives the same data")
	force := fs.Bool("force", false, "add to a database that already holds cadres")
	quiet := fs.Bool("quiet", false, "no progress bar")
	c, err := loadConfig(fs, args)
	if err != nil {
		return err
	}
	if *cadres < 1 || *perCadre < 0 || *cycles < 0 || *cycles > 30 {
		return &exitError{2, errors.New("--cadres must be at least 1, --records-per-cadre and --cycles at least 0, --cycles at most 30")}
	}
	if *flags < 0 {
		*flags = *cadres / 50
	}
	db, err := openDB(ctx, c, discardLogger())
	if err != nil {
		return err
	}
	defer func() {
		// Failing to close the database fails the command.
		if cerr := models.Close(db); cerr != nil && err == nil {
			err = fmt.Errorf("close the database: %w", cerr)
		}
	}()
	var n int64
	if err := db.WithContext(ctx).Model(&models.Cadre{}).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 && !*force {
		return &exitError{2, fmt.Errorf("the database already holds %d cadres: seed only fills an empty one (--force adds to it)", n)}
	}
	keys, err := datakey.New(c.DataKey)
	if err != nil {
		return err
	}
	svc, err := services.New(db, services.Config{JWTSecret: c.JWTSecret, DataKey: c.DataKey, Location: c.TZ, Logger: discardLogger()})
	if err != nil {
		return err
	}
	if err := ensureAdmin(ctx, svc, c); err != nil {
		return err
	}
	s := &seeder{db: db.WithContext(ctx), keys: keys, rng: rand.New(rand.NewPCG(*seedN, 0x5eed)), mysql: c.Driver == "mysql"}
	// Rows: units, cadres, records, flags; per cycle the cycle, and per
	// cadre about 3 assignments, 3 appraisals and a result (the bar is
	// corrected once the raters are drawn); the evaluators.
	total := int64(*cadres/20+1) + int64(*cadres) + int64(*cadres)*int64(*perCadre) + int64(*flags) +
		int64(*cycles)*(1+7*int64(*cadres))
	if !*quiet {
		s.bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription("seeding rows"),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("rows"),
			progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionFullWidth())
	}
	start := time.Now()
	if err := s.run(*cadres, *perCadre, *flags, *cycles); err != nil {
		return err
	}
	if s.bar != nil {
		if err := s.bar.Finish(); err != nil {
			return fmt.Errorf("progress bar: %w", err)
		}
		if _, err := fmt.Fprintln(os.Stderr); err != nil {
			return err
		}
	}
	el := time.Since(start)
	_, err = fmt.Fprintf(out, "seeded %d rows in %s: %.0f rows/s (%d records: %.0f records/s)\n", s.rows, el.Round(time.Millisecond),
		float64(s.rows)/el.Seconds(), s.records, float64(s.records)/s.recordTime.Seconds())
	return err
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

type seeder struct {
	db         *gorm.DB
	keys       *datakey.Keys
	rng        *rand.Rand
	mysql      bool
	bar        *progressbar.ProgressBar
	rows       int64
	records    int64
	recordTime time.Duration

	// What the cycles are seeded from (seed_appraisal.go).
	now        time.Time
	units      []int64
	firstCadre int64
	cadreUnit  []int         // each cadre's unit, as an index into units
	flags      []models.Flag // the seeded flags that may bar a grade
}

// maxIDs are the largest ids of the tables, 0 for an empty one.
func (s *seeder) maxIDs(tables ...string) ([]int64, error) {
	out := make([]int64, len(tables))
	for i, t := range tables {
		if err := s.db.Table(t).Select("COALESCE(MAX(id),0)").Scan(&out[i]).Error; err != nil {
			return nil, fmt.Errorf("seed: the largest id of %s: %w", t, err)
		}
	}
	return out, nil
}

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	given    = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红文斌海燕飞鹏辉宇浩凯晨欣怡子涵思远嘉宁佳琪博文天佑梓萱")
	regions  = []string{"110101", "110102", "110105", "110106", "110108", "310101", "310104", "320102", "330102", "440103"}
	ranks    = []string{"正处级", "副处级", "正科级", "副科级", "一级主任科员", "二级主任科员", "四级调研员"}
	posts    = []string{"局长", "副局长", "主任", "副主任", "科长", "副科长", "党组书记", "办公室主任"}
	unitKind = []string{"局", "委员会", "办公室", "中心", "街道办事处", "镇人民政府"}
	deeds    = []string{"牵头完成年度重点工作任务", "推进营商环境优化改革", "组织防汛抗旱应急值守", "落实安全生产责任制", "开展基层调研走访",
		"完成民生实事项目", "参加专题培训并结业", "处置突发事件及时有效", "推动信访积案化解", "主持召开专题会议部署工作"}
)

func (s *seeder) name() string {
	n := string(surnames[s.rng.IntN(len(surnames))]) + string(given[s.rng.IntN(len(given))])
	if s.rng.IntN(3) > 0 {
		n += string(given[s.rng.IntN(len(given))])
	}
	return n
}

func (s *seeder) run(cadres, perCadre, flags, cycles int) error {
	maxes, err := s.maxIDs("units", "cadres")
	if err != nil {
		return err
	}
	maxUnit, maxCadre := maxes[0], maxes[1]
	now := time.Now().UTC().Truncate(time.Microsecond)
	s.now, s.firstCadre = now, maxCadre+1

	// Units: a root, districts under it, and offices under those.
	nUnits := cadres/20 + 1
	unitIDs := make([]int64, 0, nUnits)
	paths := map[int64]string{}
	var rows [][]any
	for i := 0; i < nUnits; i++ {
		id := maxUnit + 1 + int64(i)
		var parent *int64
		path := fmt.Sprintf("/%d/", id)
		if i > 0 {
			p := maxUnit + 1 // the root
			if i > 70 {
				p = maxUnit + 2 + int64(s.rng.IntN(70)) // one of the first 70 departments
			}
			parent = &p
			path = fmt.Sprintf("%s%d/", paths[p], id)
		}
		paths[id] = path
		unitIDs = append(unitIDs, id)
		name := fmt.Sprintf("第%d%s", i+1, unitKind[i%len(unitKind)])
		if i == 0 {
			name = "区委组织部（种子数据）"
		}
		rows = append(rows, []any{id, name, fmt.Sprintf("SEED%07d", id), parent, path, 1, now, now})
	}
	if err := s.insert("units", []string{"id", "name", "code", "parent_id", "path", "version", "created_at", "updated_at"}, rows); err != nil {
		return err
	}
	s.units = unitIDs

	// Cadres, with valid ID numbers whose birth date and gender agree; an ID
	// number is unique by (birth date, sequence): i spreads over 30 years of
	// birth dates, and the sequence is i's turn round them.
	born0 := time.Date(1965, 1, 1, 0, 0, 0, 0, time.UTC)
	const days = 30 * 365
	type cadreInfo struct {
		born      civil.Date
		appointed time.Time
	}
	info := make([]cadreInfo, cadres)
	s.cadreUnit = make([]int, cadres)
	rows = rows[:0]
	for i := 0; i < cadres; i++ {
		id := maxCadre + 1 + int64(i)
		k := int(id - 1)
		born := born0.AddDate(0, 0, k%days)
		male := s.rng.IntN(100) < 60
		seq := (k / days) * 2
		if male {
			seq++
		}
		if seq > 999 {
			return errors.New("too many cadres for unique ID numbers (at most 5,475,000)")
		}
		first17 := fmt.Sprintf("%s%s%03d", regions[s.rng.IntN(len(regions))], born.Format("20060102"), seq)
		idn := first17 + string(idnumber.CheckDigit(first17))
		gender := "female"
		if male {
			gender = "male"
		}
		appointed := born.AddDate(25+s.rng.IntN(20), s.rng.IntN(12), 0)
		if appointed.After(now) {
			appointed = now.AddDate(-1, 0, 0)
		}
		appointed = time.Date(appointed.Year(), appointed.Month(), appointed.Day(), 0, 0, 0, 0, time.UTC)
		info[i] = cadreInfo{civil.Of(born, born.Location()), appointed}
		s.cadreUnit[i] = s.rng.IntN(len(unitIDs))
		rows = append(rows, []any{id, s.name(), gender, info[i].born, s.keys.Seal([]byte(idn)), s.keys.Lookup(idn), idnumber.Mask(idn),
			unitIDs[s.cadreUnit[i]], posts[s.rng.IntN(len(posts))], ranks[s.rng.IntN(len(ranks))], s.rng.IntN(10) == 0,
			civil.Of(appointed, time.UTC), "active", 1, now, now})
		if len(rows) == 5000 {
			if err := s.insert("cadres", cadreCols, rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
	}
	if err := s.insert("cadres", cadreCols, rows); err != nil {
		return err
	}

	// Records: every category, dates from appointment to today.
	cats := record.Categories()
	t0 := time.Now()
	rows = rows[:0]
	today := civil.Of(now, now.Location())
	for i := 0; i < cadres; i++ {
		id := maxCadre + 1 + int64(i)
		from := info[i].appointed
		span := int(now.Sub(from).Hours()/24) + 1
		for r := 0; r < perCadre; r++ {
			on := civil.Of(from.AddDate(0, 0, s.rng.IntN(span)), from.Location())
			if on.After(today) {
				on = today
			}
			content := deeds[s.rng.IntN(len(deeds))] + "，" + deeds[s.rng.IntN(len(deeds))] + "。"
			rows = append(rows, []any{id, on, cats[(i+r)%len(cats)], content, 1, "种子数据", now})
			if len(rows) == 5000 {
				if err := s.insert("records", recordCols, rows); err != nil {
					return err
				}
				s.records += int64(len(rows))
				rows = rows[:0]
			}
		}
	}
	if err := s.insert("records", recordCols, rows); err != nil {
		return err
	}
	s.records += int64(len(rows))
	s.recordTime = time.Since(t0)

	// Flags of every kind from every department, each filing only what it
	// decides (SPEC 8: flagrules.MayFile); sanctions in effect with periods,
	// measures recorded, the other kinds in any status of theirs.
	sources := flagrules.Sources()
	statuses := []string{"open", "verifying", "on_hold", "substantiated", "unsubstantiated", "resolved"}
	sevs := []string{"info", "warning", "serious"}
	petitions := []string{"report", "appeal", "suggestion"}
	measures := flagrules.MeasureTypes()
	rows = rows[:0]
	for i := 0; i < flags; i++ {
		cadre := maxCadre + 1 + int64(s.rng.IntN(cadres))
		source := sources[i%len(sources)]
		kinds, types, _ := flagrules.MayFile(source)
		kind := kinds[(i/len(sources))%len(kinds)]
		on := civil.Of(now.AddDate(0, 0, -s.rng.IntN(3650)), now.Location())
		var pet, st, measure *string
		var decided, until, measureOn *civil.Date
		var period *int
		status := statuses[s.rng.IntN(len(statuses))]
		switch kind {
		case "petition":
			p := petitions[s.rng.IntN(len(petitions))]
			if source == flagrules.SourceOrganization {
				p = "report"
			}
			pet = &p
		case "sanction":
			t := sanction.Type(types[s.rng.IntN(len(types))])
			ts := string(t)
			st, decided = &ts, &on
			if sanction.MustStatePeriod(t) {
				period = new(3)
			}
			until = sanction.Until(t, on, period)
			status = flagrules.StatusInEffect
		case "measure":
			m := measures[s.rng.IntN(len(measures))]
			measure, measureOn, status = &m, &on, flagrules.StatusRecorded
		}
		rows = append(rows, []any{cadre, source, kind, sevs[s.rng.IntN(len(sevs))], "种子数据：" + deeds[s.rng.IntN(len(deeds))],
			"（合成数据，仅用于性能测试）", on, pet, st, decided, period, until, measure, measureOn, status, 1, 1, now, now})
		if kind == "sanction" || kind == "investigation" {
			s.flags = append(s.flags, models.Flag{CadreID: cadre, Kind: kind, Status: status, SanctionType: st, DecidedOn: decided})
		}
		if len(rows) == 2000 {
			if err := s.insert("flags", flagCols, rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
	}
	if err := s.insert("flags", flagCols, rows); err != nil {
		return err
	}

	if err := s.seedChecks(cadres); err != nil {
		return err
	}
	return s.seedCycles(cycles)
}

var (
	cadreCols = []string{"id", "name", "gender", "birth_date", "id_number_enc", "id_number_hash", "id_number_mask", "unit_id", "position", "rank",
		"is_top_leader", "appointed_on", "status", "version", "created_at", "updated_at"}
	recordCols = []string{"cadre_id", "occurred_on", "category", "content", "recorded_by", "recorded_by_name", "recorded_at"}
	flagCols   = []string{"cadre_id", "source", "kind", "severity", "summary", "detail", "occurred_on", "petition_type", "sanction_type",
		"decided_on", "period_months", "influence_until", "measure_type", "measure_decided_on", "status", "version", "created_by", "created_at", "updated_at"}
)

// insert writes rows with multi-row INSERTs in one transaction, as many rows
// a statement as stay under both databases' placeholder limits.
func (s *seeder) insert(table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	q := "`"
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = q + c + q
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	per := 30000 / len(cols)
	err := s.db.Transaction(func(tx *gorm.DB) error {
		for start := 0; start < len(rows); start += per {
			end := min(start+per, len(rows))
			var b strings.Builder
			b.WriteString("INSERT INTO " + q + table + q + " (" + strings.Join(quoted, ",") + ") VALUES ")
			args := make([]any, 0, (end-start)*len(cols))
			for i := start; i < end; i++ {
				if i > start {
					b.WriteByte(',')
				}
				b.WriteString(one)
				args = append(args, rows[i]...)
			}
			if err := tx.Exec(b.String(), args...).Error; err != nil {
				return fmt.Errorf("seed %s: %w", table, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.rows += int64(len(rows))
	if s.bar != nil {
		if err := s.bar.Add(len(rows)); err != nil {
			return fmt.Errorf("progress bar: %w", err)
		}
	}
	return nil
}
